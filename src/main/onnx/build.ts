import { noGrad } from '../engine/autograd'
import { zeros } from '../engine/creation'
import type { Module } from '../engine/nn/module'
import type { ModelSpec } from '../../shared/models'
import { modelChecksum } from './checksum'
import { GraphBuilder, attr, tensorValueInfo } from './graph'
import { exporterFor, type ExportContext } from './layers'
import { PRODUCER, PRODUCER_VERSION } from '../producer'
import { KEYS, metadataProps, preprocessingFor, type DigitLabMetadata, type Preprocessing, type TrainingRecord } from './metadata'
import { INPUT_NAME, IR_VERSION, LOGITS, OPSET_VERSION, PROBABILITIES } from './names'
import { encodeModel, type GraphProto, type ModelProto } from './proto'
import './conv-layers'

/** A trained model and what the file should say about it. */
export interface ExportSource {
  readonly model: Module
  readonly spec: ModelSpec
  readonly labelNames: readonly string[]
  readonly training: TrainingRecord
  /** Defaults to 28×28 MNIST-style preprocessing with MNIST centring. */
  readonly preprocessing?: Preprocessing
}

/** The number of logits the model gives for one image, found by running it once on a blank image. */
function logitCount(model: Module, height: number, width: number): number {
  const wasTraining = model.training
  model.eval()
  try {
    const out = noGrad(() => model.forward(zeros([1, 1, height, width])))
    if (out.rank !== 2) throw new Error(`the model's output has shape [${out.shape.join(', ')}]; an export needs (N, classes) logits`)
    return out.shape[1]
  } finally {
    model.train(wasTraining)
  }
}

function outputDescriptions(spec: ModelSpec, binary: boolean): DigitLabMetadata['outputs'] {
  if (binary) {
    return {
      logits: 'one column: the logit of labels[0]; sigmoid(logit) = P(labels[0])',
      probabilities: 'two columns ordered like labels: [sigmoid(logit), sigmoid(-logit)] = [P(labels[0]), P(labels[1])]',
    }
  }
  const logits = spec.kind === 'pixel'
    ? `one column per label: minus the ${spec.distance === 'l1' ? 'mean absolute difference' : 'root mean square difference'} to that label's mean image (the largest is the nearest)`
    : 'one column per label'
  return { logits, probabilities: 'softmax of the logits, one column per label' }
}

/** The graph: the model's layers, then `logits` and `probabilities` (sigmoid pair or softmax). */
function buildGraph(source: ExportSource, height: number, width: number, logits: number, binary: boolean): GraphProto {
  const graph = new GraphBuilder()
  graph.reserve(INPUT_NAME)
  const context: ExportContext = {
    graph,
    exportModule(module, input, path) {
      const exporter = exporterFor(module)
      if (!exporter) throw new Error(`Digit Lab cannot export ${module.constructor.name} layers to ONNX (at "${path || 'model'}")`)
      return exporter(module, input, context, path)
    },
    weight: (tensor, path, dims) => graph.floats(path, tensor.data, dims ?? tensor.shape),
  }
  const output = context.exportModule(source.model, INPUT_NAME, '')
  if (output === INPUT_NAME) throw new Error('the model computes nothing: its output is its input')
  graph.rename(output, LOGITS)
  if (binary) {
    const first = graph.node('Sigmoid', [LOGITS], {}, 'p_first')
    const second = graph.node('Sigmoid', [graph.node('Neg', [LOGITS], {}, 'negative_logits')], {}, 'p_second')
    graph.rename(graph.node('Concat', [first, second], { axis: attr.int(1) }), PROBABILITIES)
  } else {
    graph.rename(graph.node('Softmax', [LOGITS], { axis: attr.int(1) }), PROBABILITIES)
  }
  const classes = source.labelNames.length
  return graph.build(
    `digit_lab_${source.spec.kind}`,
    [tensorValueInfo(INPUT_NAME, ['N', 1, height, width], 'grayscale digits, float32 in 0..1, ink bright on black')],
    [tensorValueInfo(LOGITS, ['N', logits]), tensorValueInfo(PROBABILITIES, ['N', classes], 'one column per label')],
    `Digit Lab ${source.spec.kind} model`,
  )
}

/**
 * Serialize a model to ONNX bytes: one input `image` float32 [N,1,H,W], outputs `logits` and
 * `probabilities`, metadata (labels, preprocessing, architecture, training, producer) and a
 * checksum over the graph and metadata. Throws when a layer has no ONNX exporter.
 */
export function buildOnnxModel(source: ExportSource): Uint8Array {
  const preprocessing = source.preprocessing ?? preprocessingFor('mnist')
  const [height, width] = preprocessing.size
  const classes = source.labelNames.length
  const logits = logitCount(source.model, height, width)
  const binary = logits === 1 && classes === 2
  if (!binary && logits !== classes) throw new Error(`the model gives ${logits} logits for ${classes} labels`)
  const metadata: DigitLabMetadata = {
    labels: source.labelNames,
    preprocessing,
    architecture: source.spec,
    training: source.training,
    outputs: outputDescriptions(source.spec, binary),
  }
  const model: ModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: PRODUCER,
    producerVersion: PRODUCER_VERSION,
    modelVersion: 1,
    docString: `Digit Lab ${source.spec.kind} classifier of ${classes} labels (${source.labelNames.join(', ')})`,
    graph: buildGraph(source, height, width, logits, binary),
    metadataProps: metadataProps(metadata),
  }
  const checksum = modelChecksum(encodeModel(model))
  const signed = encodeModel({ ...model, metadataProps: [...model.metadataProps!, { key: KEYS.checksum, value: checksum }] })
  // NOTE: adding the entry must leave every other byte as it was, or no file could ever verify.
  if (modelChecksum(signed) !== checksum) throw new Error('internal error: the checksum does not survive serialization')
  return signed
}
