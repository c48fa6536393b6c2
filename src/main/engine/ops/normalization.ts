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

function checkBatchNormInputs(x: Tensor, params: readonly Tensor[]): void {
  const channels = x.shape[1]
  if (x.rank < 2 || params.some((t) => t.rank !== 1 || t.shape[0] !== channels)) {
    throw new Error(`batchNorm: input ${formatShape(x.shape)} needs (n, channels, …) with weight, bias and running stats of shape (${channels ?? '?'},); ` +
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

// y = γ·x̂ + β with x̂ = (x − μ)/σ, σ = √(var + ε), over (N, spatial) per channel:
// dγ = Σ dy·x̂,  dβ = Σ dy,
// training (μ, σ from the batch): dx = γ/(σ·m)·(m·dy − Σdy − x̂·Σ(dy·x̂)), m = N·spatial
// eval (running μ, σ are constants): dx = γ/σ·dy
// with ReLU after it, dy is first zeroed where the output is not positive
/**
 * Batch normalisation over the channel axis 1 of (N, C, …) (ONNX `BatchNormalization`), as
 * `F.batch_norm`. In training it normalises by the batch's mean and biased variance and updates
 * `runningMean`/`runningVar` in place (unbiased variance); in eval it normalises by them.
 */
export function batchNorm(x: Tensor, weight: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor, options: BatchNormOptions): Tensor {
  checkBatchNormInputs(x, [weight, bias, runningMean, runningVar])
  const { training, momentum = 0.1, eps = 1e-5, relu = false } = options
  const [batch, channels] = x.shape
  const inner = sizeOf(x.shape.slice(2))
  const count = batch * inner
  if (training && count < 2) throw new Error(`batchNorm in training needs more than one value per channel, got input ${formatShape(x.shape)}`)
  const [mean, variance, invStd] = [new Float64Array(channels), new Float64Array(channels), new Float64Array(channels)]
  if (!training) {
    mean.set(runningMean.data)
    for (let c = 0; c < channels; c++) invStd[c] = 1 / Math.sqrt(runningVar.data[c] + eps)
  }
  const layout = { batch, channels, inner }
  const out = new Float32Array(x.size)
  kernels.batchNormForward({ ...layout, x: x.data, weight: weight.data, bias: bias.data, mean, variance, invStd, training, eps, relu, out })
  if (training) updateRunningStatistics(runningMean, runningVar, mean, variance, count, momentum)
  return record(new Tensor(out, x.shape), 'BatchNormalization', [x, weight, bias], (grad) => {
    const [sumDy, sumDyXhat] = [new Float64Array(channels), new Float64Array(channels)]
    const dx = x.requiresGrad ? new Float32Array(x.size) : null
    kernels.batchNormBackward({ ...layout, dy: grad.data, x: x.data, mean, weight: weight.data, invStd, training, reluOut: relu ? out : null, sumDy, sumDyXhat, dx })
    return [dx && new Tensor(dx, x.shape), new Tensor(Float32Array.from(sumDyXhat), weight.shape), new Tensor(Float32Array.from(sumDy), bias.shape)]
  })
}
