/** A batch of (N, C, inner) float32 values: `inner` contiguous values per (sample, channel) plane. */
export interface ChannelLayout {
  readonly batch: number
  readonly channels: number
  readonly inner: number
}

export interface BatchNormForwardArgs extends ChannelLayout {
  readonly x: Float32Array
  readonly weight: Float32Array
  readonly bias: Float32Array
  /**
   * Training: the kernel writes the batch's per-channel mean, biased variance and 1/√(variance + eps) here.
   * Eval: `mean` and `invStd` hold the running statistics' and are read (`variance` is not touched).
   */
  readonly mean: Float64Array
  readonly variance: Float64Array
  readonly invStd: Float64Array
  readonly training: boolean
  readonly eps: number
  /** Whether y goes through ReLU too (the op after most batch norms), as `relu` in ops/elementwise.ts does it. */
  readonly relu: boolean
  /** Written: y = γ·x̂ + β with x̂ = (x − μ)·(1/σ) (or relu of y). */
  readonly out: Float32Array
}

export interface BatchNormBackwardArgs extends ChannelLayout {
  readonly dy: Float32Array
  /** The forward pass's input and statistics: x̂ is computed again from them, rounded to float32 as if kept. */
  readonly x: Float32Array
  readonly mean: Float64Array
  readonly weight: Float32Array
  readonly invStd: Float64Array
  /** Whether μ and σ came from the batch (so depend on x), else they were constants (the running ones). */
  readonly training: boolean
  /** The forward pass's y when it went through ReLU: dy counts only where y > 0 (ReLU's backward pass). */
  readonly reluOut: Float32Array | null
  /** Written: Σ dy and Σ dy·x̂ per channel (β's and γ's gradients). */
  readonly sumDy: Float64Array
  readonly sumDyXhat: Float64Array
  /** Written when given: the input's gradient. */
  readonly dx: Float32Array | null
}

export type BatchNormForward = (args: BatchNormForwardArgs) => void
export type BatchNormBackward = (args: BatchNormBackwardArgs) => void

// NOTE: every sum over a channel runs in float64 in four partial sums, value j of each plane going into sum
// j mod 4, combined as (s0 + s2) + (s1 + s3): the order in which the SIMD kernel (two float64 pairs) adds.
/** Σ f(plane values) over the channel's planes, in the kernels' order of additions. */
function channelSum(x: Float32Array, { batch, channels, inner }: ChannelLayout, c: number, f: (v: number, i: number) => number): number {
  let [s0, s1, s2, s3] = [0, 0, 0, 0]
  for (let n = 0; n < batch; n++) {
    const from = (n * channels + c) * inner
    let j = 0
    for (; j + 4 <= inner; j += 4) {
      s0 += f(x[from + j], from + j)
      s1 += f(x[from + j + 1], from + j + 1)
      s2 += f(x[from + j + 2], from + j + 2)
      s3 += f(x[from + j + 3], from + j + 3)
    }
    if (j < inner) s0 += f(x[from + j], from + j)
    if (j + 1 < inner) s1 += f(x[from + j + 1], from + j + 1)
    if (j + 2 < inner) s2 += f(x[from + j + 2], from + j + 2)
  }
  return s0 + s2 + (s1 + s3)
}

/** The plain TypeScript batch norm forward pass every faster one is tested against (see ops/normalization.ts). */
export const batchNormForwardReference: BatchNormForward = (args) => {
  const { x, batch, channels, inner, weight, bias, mean, variance, invStd, out } = args
  const count = batch * inner
  if (args.training) {
    for (let c = 0; c < channels; c++) {
      const m = channelSum(x, args, c, (v) => v) / count
      mean[c] = m
      variance[c] = channelSum(x, args, c, (v) => (v - m) * (v - m)) / count
      invStd[c] = 1 / Math.sqrt(variance[c] + args.eps)
    }
  }
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const m = mean[c]
      const s = invStd[c]
      const gamma = weight[c]
      const beta = bias[c]
      const from = (n * channels + c) * inner
      for (let i = from; i < from + inner; i++) {
        out[i] = gamma * ((x[i] - m) * s) + beta
      }
    }
  }
  if (args.relu) {
    // ops/elementwise.ts's relu: on the float bits, v & ~(v >> 31) is v, or 0 where the sign bit is set
    const bits = new Int32Array(out.buffer, out.byteOffset, out.length)
    for (let i = 0; i < bits.length; i++) bits[i] &= ~(bits[i] >> 31)
  }
}

/** dy where `reluOut` > 0, else 0, as ops/elementwise.ts's relu backward computes it (on the float bits). */
function maskedByRelu(dy: Float32Array, reluOut: Float32Array): Float32Array {
  const [g, y] = [new Int32Array(dy.buffer, dy.byteOffset, dy.length), new Int32Array(reluOut.buffer, reluOut.byteOffset, reluOut.length)]
  return new Float32Array(Int32Array.from(g, (v, i) => v & ~(((y[i] - 1) | y[i]) >> 31)).buffer)
}

/** The plain TypeScript batch norm backward pass every faster one is tested against (see ops/normalization.ts). */
export const batchNormBackwardReference: BatchNormBackward = (args) => {
  const { x, mean, batch, channels, inner, weight, invStd, sumDy, sumDyXhat, dx } = args
  // NOTE: x̂ is not kept from the forward pass (an activation-sized array per batch norm): it is computed again.
  const xhat = (i: number, c: number): number => Math.fround((x[i] - mean[c]) * invStd[c])
  const dy = args.reluOut ? maskedByRelu(args.dy, args.reluOut) : args.dy
  const count = batch * inner
  for (let c = 0; c < channels; c++) {
    sumDy[c] = channelSum(dy, args, c, (v) => v)
    sumDyXhat[c] = channelSum(dy, args, c, (v, i) => v * xhat(i, c))
  }
  if (!dx) return
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const scale = weight[c] * invStd[c]
      const from = (n * channels + c) * inner
      if (!args.training) {
        for (let i = from; i < from + inner; i++) dx[i] = scale * dy[i]
        continue
      }
      const meanDy = sumDy[c] / count
      const meanDyXhat = sumDyXhat[c] / count
      for (let i = from; i < from + inner; i++) dx[i] = scale * (dy[i] - meanDy - xhat(i, c) * meanDyXhat)
    }
  }
}
