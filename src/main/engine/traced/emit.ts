import { attr } from '../../onnx/graph'
import { encodeModel } from '../../onnx/proto'
import { IR_VERSION, OPSET_VERSION } from '../../onnx/names'
import type { Module } from '../nn/module'
import type { Tensor } from '../tensor'
import { tracerFor, type TraceContext } from './layers'
import { NotTraceable, Tracer, sizeOf, type Value } from './tracer'

/** The losses the traced step emits: softmax cross-entropy on class indices, and the chapter's one-sigmoid loss. */
export type TracedLoss = 'cross-entropy' | 'mnist'

/** Graph input and output names. */
export const STEP_NAMES = { input: 'x', targets: 'targets', loss: 'loss', output: 'output' } as const

/** A traced training step: the ONNX model, and which graph value feeds or receives each tensor of the model. */
export interface EmittedStep {
  readonly bytes: Uint8Array
  /** Each parameter, its graph input, and its gradient's output (null when no gradient reaches it). */
  readonly parameters: readonly { readonly tensor: Tensor; readonly input: string; readonly grad: string | null }[]
  /** Each running statistic, its graph input, and the output holding its new value. */
  readonly buffers: readonly { readonly tensor: Tensor; readonly input: string; readonly updated: string | null }[]
  /** The targets input's shape: one-hot (N, classes) like the logits for cross-entropy, the targets' own for the mnist loss. */
  readonly targetShape: readonly number[]
  /** The model's output for the batch (a graph output only when traced without a loss). */
  readonly outputShape: readonly number[]
}

// L = −mean(log softmax(z)[target]) → dz = (softmax(z) − onehot)/N
function crossEntropy(t: Tracer, logits: Value, onehot: Value): Value {
  const [n] = logits.shape
  const logProbs = t.op('LogSoftmax', [logits], logits.shape, { axis: attr.int(1) })
  const picked = t.op('ReduceSum', [t.op('Mul', [logProbs, onehot], logits.shape)], [], { keepdims: attr.int(0) })
  const loss = t.op('Mul', [picked, t.constant([-1 / n], [], 'minus_inverse_n')], [], {}, 'cross_entropy')
  t.onBackward(() => {
    const g = t.grad(loss)!
    const share = t.op('Mul', [g, t.constant([1 / n], [], 'inverse_n')], [])
    t.addGrad(logits, t.op('Mul', [t.op('Sub', [t.op('Exp', [logProbs], logits.shape), onehot], logits.shape), share], logits.shape, {}, 'dlogits'))
  })
  return loss
}

// L = mean(t == 1 ? 1 − σ(p) : σ(p)) → dp = ∓σ(p)·(1 − σ(p))/n, − where t = 1
function mnistLoss(t: Tracer, predictions: Value, targets: Value): Value {
  const n = sizeOf(predictions.shape)
  const s = t.op('Sigmoid', [predictions], predictions.shape)
  const isFirst = t.op('Equal', [targets, t.constant([1], [], 'one')], predictions.shape)
  const oneMinus = t.op('Sub', [t.constant([1], [], 'one'), s], predictions.shape)
  const loss = t.op('ReduceMean', [t.op('Where', [isFirst, oneMinus, s], predictions.shape)], [], { keepdims: attr.int(0) }, 'mnist_loss')
  t.onBackward(() => {
    const share = t.op('Mul', [t.grad(loss)!, t.constant([1 / n], [], 'inverse_n')], [])
    const signed = t.op('Where', [isFirst, t.op('Neg', [share], []), share], predictions.shape)
    t.addGrad(predictions, t.op('Mul', [signed, t.op('Mul', [s, oneMinus], predictions.shape)], predictions.shape, {}, 'dpredictions'))
  })
  return loss
}

/**
 * Trace `model` (in its current train/eval modes) on a batch of `inputShape` into one ONNX graph: inputs the batch,
 * the targets, every parameter and running statistic; outputs the loss, every parameter's gradient and the new running
 * statistics — or, with no loss, just the model's output. Throws NotTraceable when a module or the output does not fit.
 */
export function emitStep(model: Module, inputShape: readonly number[], loss: TracedLoss | null, yShape: readonly number[]): EmittedStep {
  const t = new Tracer()
  const parameters: { tensor: Tensor; value: Value }[] = []
  const buffers: { tensor: Tensor; value: Value; updated: Value | null }[] = []
  const context: TraceContext = {
    tracer: t,
    module(module, input, path) {
      const trace = tracerFor(module)
      if (!trace) throw new NotTraceable(`${module.constructor.name} (at "${path || 'model'}")`)
      return trace(module, input, context, path)
    },
    parameter(tensor, path) {
      if (!tensor.requiresGrad) throw new NotTraceable(`a parameter that does not require a gradient ("${path}")`)
      const value = t.input(`p:${path}`, tensor.shape, true)
      parameters.push({ tensor, value })
      return value
    },
    buffer(tensor, path) {
      const value = t.input(`b:${path}`, tensor.shape)
      buffers.push({ tensor, value, updated: null })
      return value
    },
    update(tensor, updated) {
      buffers.find((entry) => entry.tensor === tensor)!.updated = updated
    },
  }
  const x = t.input(STEP_NAMES.input, inputShape)
  const output = context.module(model, x, '')
  if (loss === null) {
    t.output(output, STEP_NAMES.output)
    const bytes = encodeModel({ irVersion: IR_VERSION, opsetImport: [{ version: OPSET_VERSION }], producerName: 'digit-lab traced forward', graph: t.build('forward') })
    const inputs = { parameters: parameters.map(({ tensor, value }) => ({ tensor, input: value.name, grad: null })), buffers: buffers.map(({ tensor, value }) => ({ tensor, input: value.name, updated: null })) }
    return { bytes, ...inputs, targetShape: [], outputShape: output.shape }
  }
  if (loss === 'cross-entropy' && (output.shape.length !== 2 || yShape.length !== 1 || yShape[0] !== output.shape[0])) {
    throw new NotTraceable(`cross-entropy on an output of shape [${output.shape}] with targets [${yShape}]`)
  }
  if (loss === 'mnist' && output.shape.join('x') !== yShape.join('x')) throw new NotTraceable(`the mnist loss on an output of shape [${output.shape}] with targets [${yShape}]`)
  const targetShape = loss === 'cross-entropy' ? output.shape : yShape
  const targets = t.input(STEP_NAMES.targets, targetShape)
  const value = loss === 'cross-entropy' ? crossEntropy(t, output, targets) : mnistLoss(t, output, targets)
  t.output(value, STEP_NAMES.loss)
  t.backward(value)
  const emittedParameters = parameters.map(({ tensor, value: input }, i) => {
    const grad = t.grad(input)
    if (grad) t.output(grad, `g${i}`)
    return { tensor, input: input.name, grad: grad ? `g${i}` : null }
  })
  const emittedBuffers = buffers.map(({ tensor, value: input, updated }, i) => {
    if (updated) t.output(updated, `u${i}`)
    return { tensor, input: input.name, updated: updated ? `u${i}` : null }
  })
  const bytes = encodeModel({ irVersion: IR_VERSION, opsetImport: [{ version: OPSET_VERSION }], producerName: 'digit-lab traced step', graph: t.build('training_step') })
  return { bytes, parameters: emittedParameters, buffers: emittedBuffers, targetShape, outputShape: output.shape }
}
