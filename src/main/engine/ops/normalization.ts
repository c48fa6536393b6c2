import { record } from '../autograd'
import { kernels } from '../kernels'
import { formatShape, sizeOf } from '../shape'
import { Tensor } from '../tensor'

export interface BatchNormOptions {
  /** Normalise by this batch's statistics (and update the running ones), else by the running ones. */
  readonly training: boolean
  /** Weight of the new batch in the running averages, as PyTorch's (1 − ONNX momentum). */
  readonly momentum?: number
  readonly eps?: number
  /** Follow with ReLU in the same pass (the ops' bits of `batchNorm(…).relu()`, without the tensor between). */
  readonly relu?: boolean
}

function checkBatchNormInputs(shape: readonly number[], params: readonly Tensor[]): void {
  const channels = shape[1]
  if (shape.length < 2 || params.some((t) => t.rank !== 1 || t.shape[0] !== channels)) {
    throw new Error(`batchNorm: input ${formatShape(shape)} needs (n, channels, …) with weight, bias and running stats of shape (${channels ?? '?'},); ` +
      `got ${params.map((t) => formatShape(t.shape)).join(', ')}`)
  }
}

/** running ← (1 − m)·running + m·batch, with the unbiased variance as PyTorch keeps it. */
function updateRunningStatistics(runningMean: Tensor, runningVar: Tensor, mean: Float64Array, variance: Float64Array, count: number, momentum: number): void {
  const unbiased = count > 1 ? count / (count - 1) : 1
  for (let c = 0; c < mean.length; c++) {
    runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * mean[c]
    runningVar.data[c] = (1 - momentum) * runningVar.data[c] + momentum * variance[c] * unbiased
  }
}

/** A batch norm's parameters and running statistics, as `BatchNorm2d` holds them. */
export interface BatchNormParameters {
  readonly weight: Tensor
  readonly bias: Tensor
  readonly runningMean: Tensor
  readonly runningVar: Tensor
}

/** A batch norm run forward: its backward pass, for later. */
export interface BatchNormPass {
  /**
   * γ's and β's gradients from the output's gradient `dy`, given the forward pass's input `x` again; the input's
   * gradient is written to `dx` when given.
   */
  backward(dy: Float32Array, x: Float32Array, dx: Float32Array | null): [dWeight: Tensor, dBias: Tensor]
}

// y = γ·x̂ + β with x̂ = (x − μ)/σ, σ = √(var + ε), over (N, spatial) per channel:
// dγ = Σ dy·x̂,  dβ = Σ dy,
// training (μ, σ from the batch): dx = γ/(σ·m)·(m·dy − Σdy − x̂·Σ(dy·x̂)), m = N·spatial
// eval (running μ, σ are constants): dx = γ/σ·dy
// with ReLU after it, dy is first zeroed where the output is not positive
/** The forward pass of `batchNorm` on `x` of `shape` into `out` (updating the running statistics in training). */
export function normalize(x: Float32Array, shape: readonly number[], params: BatchNormParameters, options: BatchNormOptions, out: Float32Array): BatchNormPass {
  const { weight, bias, runningMean, runningVar } = params
  checkBatchNormInputs(shape, [weight, bias, runningMean, runningVar])
  const { training, momentum = 0.1, eps = 1e-5, relu = false } = options
  const [batch, channels] = shape
  const inner = sizeOf(shape.slice(2))
  const count = batch * inner
  if (training && count < 2) throw new Error(`batchNorm in training needs more than one value per channel, got input ${formatShape(shape)}`)
  const [mean, variance, invStd] = [new Float64Array(channels), new Float64Array(channels), new Float64Array(channels)]
  if (!training) {
    mean.set(runningMean.data)
    for (let c = 0; c < channels; c++) invStd[c] = 1 / Math.sqrt(runningVar.data[c] + eps)
  }
  const layout = { batch, channels, inner }
  kernels.batchNormForward({ ...layout, x, weight: weight.data, bias: bias.data, mean, variance, invStd, training, eps, relu, out })
  if (training) updateRunningStatistics(runningMean, runningVar, mean, variance, count, momentum)
  return {
    backward(dy, xAgain, dx) {
      const [sumDy, sumDyXhat] = [new Float64Array(channels), new Float64Array(channels)]
      kernels.batchNormBackward({ ...layout, dy, x: xAgain, mean, weight: weight.data, invStd, training, reluOut: relu ? out : null, sumDy, sumDyXhat, dx })
      return [new Tensor(Float32Array.from(sumDyXhat), weight.shape), new Tensor(Float32Array.from(sumDy), bias.shape)]
    },
  }
}

/**
 * Batch normalisation over the channel axis 1 of (N, C, …) (ONNX `BatchNormalization`), as
 * `F.batch_norm`. In training it normalises by the batch's mean and biased variance and updates
 * `runningMean`/`runningVar` in place (unbiased variance); in eval it normalises by them.
 */
export function batchNorm(x: Tensor, weight: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor, options: BatchNormOptions): Tensor {
  const out = new Float32Array(x.size)
  const pass = normalize(x.data, x.shape, { weight, bias, runningMean, runningVar }, options, out)
  return record(new Tensor(out, x.shape), 'BatchNormalization', [x, weight, bias], (grad) => {
    const dx = x.requiresGrad ? new Float32Array(x.size) : null
    const [dWeight, dBias] = pass.backward(grad.data, x.data, dx)
    return [dx && new Tensor(dx, x.shape), dWeight, dBias]
  })
}
