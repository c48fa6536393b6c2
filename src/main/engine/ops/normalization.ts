import { record } from '../autograd'
import { formatShape, sizeOf } from '../shape'
import { Tensor } from '../tensor'

export interface BatchNormOptions {
  /** Normalise by this batch's statistics (and update the running ones), else by the running ones. */
  readonly training: boolean
  /** Weight of the new batch in the running averages, as PyTorch's (1 − ONNX momentum). */
  readonly momentum?: number
  readonly eps?: number
}

/** Per-channel mean and biased variance of (N, C, …) over every axis but the channel, in float64. */
function channelStatistics(x: Float32Array, batch: number, channels: number, inner: number): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(channels)
  const variance = new Float64Array(channels)
  const count = batch * inner
  for (let c = 0; c < channels; c++) {
    let total = 0
    for (let n = 0; n < batch; n++) {
      const from = (n * channels + c) * inner
      for (let i = from; i < from + inner; i++) total += x[i]
    }
    const m = total / count
    let squares = 0
    for (let n = 0; n < batch; n++) {
      const from = (n * channels + c) * inner
      for (let i = from; i < from + inner; i++) squares += (x[i] - m) * (x[i] - m)
    }
    mean[c] = m
    variance[c] = squares / count
  }
  return { mean, variance }
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
/**
 * Batch normalisation over the channel axis 1 of (N, C, …) (ONNX `BatchNormalization`), as
 * `F.batch_norm`. In training it normalises by the batch's mean and biased variance and updates
 * `runningMean`/`runningVar` in place (unbiased variance); in eval it normalises by them.
 */
export function batchNorm(x: Tensor, weight: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor, options: BatchNormOptions): Tensor {
  checkBatchNormInputs(x, [weight, bias, runningMean, runningVar])
  const { training, momentum = 0.1, eps = 1e-5 } = options
  const [batch, channels] = x.shape
  const inner = sizeOf(x.shape.slice(2))
  const count = batch * inner
  if (training && count < 2) throw new Error(`batchNorm in training needs more than one value per channel, got input ${formatShape(x.shape)}`)
  let mean: Float64Array
  let invStd: Float64Array
  if (training) {
    const stats = channelStatistics(x.data, batch, channels, inner)
    mean = stats.mean
    invStd = stats.variance.map((v) => 1 / Math.sqrt(v + eps))
    updateRunningStatistics(runningMean, runningVar, stats.mean, stats.variance, count, momentum)
  } else {
    mean = Float64Array.from(runningMean.data)
    invStd = Float64Array.from(runningVar.data, (v) => 1 / Math.sqrt(v + eps))
  }
  const src = x.data
  const normalized = new Float32Array(x.size)
  const out = new Float32Array(x.size)
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const [m, s, gamma, beta] = [mean[c], invStd[c], weight.data[c], bias.data[c]]
      const from = (n * channels + c) * inner
      for (let i = from; i < from + inner; i++) {
        const xhat = (src[i] - m) * s
        normalized[i] = xhat
        out[i] = gamma * xhat + beta
      }
    }
  }
  return record(new Tensor(out, x.shape), 'BatchNormalization', [x, weight, bias], (grad) => {
    const dy = grad.data
    const sumDy = new Float64Array(channels)
    const sumDyXhat = new Float64Array(channels)
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < channels; c++) {
        const from = (n * channels + c) * inner
        let a = 0
        let b = 0
        for (let i = from; i < from + inner; i++) {
          a += dy[i]
          b += dy[i] * normalized[i]
        }
        sumDy[c] += a
        sumDyXhat[c] += b
      }
    }
    let dx: Tensor | null = null
    if (x.requiresGrad) {
      const dxData = new Float32Array(x.size)
      for (let n = 0; n < batch; n++) {
        for (let c = 0; c < channels; c++) {
          const scale = weight.data[c] * invStd[c]
          const from = (n * channels + c) * inner
          if (!training) {
            for (let i = from; i < from + inner; i++) dxData[i] = scale * dy[i]
            continue
          }
          const [meanDy, meanDyXhat] = [sumDy[c] / count, sumDyXhat[c] / count]
          for (let i = from; i < from + inner; i++) dxData[i] = scale * (dy[i] - meanDy - normalized[i] * meanDyXhat)
        }
      }
      dx = new Tensor(dxData, x.shape)
    }
    return [dx, new Tensor(Float32Array.from(sumDyXhat), weight.shape), new Tensor(Float32Array.from(sumDy), bias.shape)]
  })
}
