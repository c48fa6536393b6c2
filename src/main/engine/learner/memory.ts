import type { TrainingConfig } from '../../../shared/training'
import { topologicalOrder } from '../autograd'
import type { DigitDataset } from '../data/dataset'
import { createModel } from '../models/zoo'
import type { Module } from '../nn/module'
import { Random } from '../random'
import { Tensor } from '../tensor'

const FLOAT = 4

/** What a training run will hold in memory at its peak, in bytes, part by part. */
export interface MemoryEstimate {
  /** Weights and buffers (batch norm statistics). */
  readonly weights: number
  /** One gradient per parameter. */
  readonly gradients: number
  /** Momentum (SGD) or both moments (Adam). */
  readonly optimizerState: number
  /** One training batch: every tensor the forward pass keeps for backward, its gradient, and the columns each convolution saves. */
  readonly activations: number
  /** Pixels and labels of both splits. */
  readonly dataset: number
  readonly total: number
  /** The batch size the activations are for, and what each further image adds. */
  readonly batchSize: number
  readonly bytesPerImage: number
}

/**
 * Bytes a forward pass of `batch` images keeps alive until backward: every intermediate tensor of
 * the graph (not the parameters), the input, and the im2col columns a Conv keeps for its gradient.
 */
function forwardBytes(model: Module, batch: number, height: number, width: number): number {
  const parameters = new Set(model.parameters())
  const input = new Tensor(new Float32Array(batch * height * width), [batch, 1, height, width])
  const output = model.forward(input)
  let floats = input.size
  for (const tensor of topologicalOrder(output)) {
    if (parameters.has(tensor)) continue
    floats += tensor.size
    const node = tensor.gradFn
    if (node?.opType === 'Conv' || node?.opType === 'ConvBatchNormalization') {
      // cols(c·kh·kw, n·outH·outW), kept by the backward closure: see ops/conv.ts.
      const weight = node.inputs[1]
      floats += (weight.size / weight.shape[0]) * (tensor.shape[0] * tensor.shape[2] * tensor.shape[3])
    }
    // The conv's output, which a Conv fused with its batch norm keeps for the backward pass instead of a tensor.
    if (node?.opType === 'ConvBatchNormalization') floats += tensor.size
  }
  return floats * FLOAT
}

/** Sizes that depend only on the model's architecture and the image size, not on the run's settings. */
interface Footprint {
  readonly weights: number
  readonly gradients: number
  /** Forward-and-backward bytes that do not grow with the batch, and those each image adds. */
  readonly fixed: number
  readonly bytesPerImage: number
}

const footprints = new Map<string, Footprint>()
const FOOTPRINTS_KEPT = 16

/**
 * Build the model as a run would and probe it with batches of 2 and 4: activations grow linearly
 * with the batch, and backward holds one gradient per activation (hence the factor 2). Remembered
 * per architecture, since building ResNet-18 takes half a second.
 */
function footprint(dataset: DigitDataset, config: TrainingConfig): Footprint {
  const outputs = config.loss === 'mnist' ? 1 : dataset.labelNames.length
  const key = JSON.stringify([config.model, outputs, dataset.height, dataset.width])
  const known = footprints.get(key)
  if (known) return known
  const model = createModel(config.model, dataset, outputs, new Random(config.seed))
  const weights = Object.values(model.stateDict()).reduce((n, values) => n + values.byteLength, 0)
  const gradients = model.parameters().reduce((n, t) => n + t.size, 0) * FLOAT
  const [small, large] = gradients === 0 ? [0, 0] : [2, 4].map((b) => forwardBytes(model, b, dataset.height, dataset.width))
  const perImage = (large - small) / 2
  const found = { weights, gradients, fixed: 2 * Math.max(0, small - 2 * perImage), bytesPerImage: 2 * perImage }
  if (footprints.size >= FOOTPRINTS_KEPT) footprints.delete(footprints.keys().next().value!)
  footprints.set(key, found)
  return found
}

/**
 * The engine's own estimate of a run's peak memory, before it starts: worker resource limits do
 * not count typed arrays, so this is what stands between a too-large run and the machine.
 */
export function estimateTrainingMemory(dataset: DigitDataset, config: TrainingConfig): MemoryEstimate {
  const { weights, gradients, fixed, bytesPerImage } = footprint(dataset, config)
  const optimizerState = config.optimizer === 'adam' ? 2 * gradients : config.momentum > 0 ? gradients : 0
  const batchSize = Math.min(config.batchSize, Math.max(dataset.train.count, 1))
  const activations = config.epochs === 0 || gradients === 0 ? 0 : fixed + bytesPerImage * batchSize
  const datasetBytes = [dataset.train, dataset.valid].reduce((n, split) => n + split.pixels.byteLength + split.labels.byteLength, 0)
  return {
    weights,
    gradients,
    optimizerState,
    activations,
    dataset: datasetBytes,
    total: weights + gradients + optimizerState + activations + datasetBytes,
    batchSize,
    bytesPerImage,
  }
}
