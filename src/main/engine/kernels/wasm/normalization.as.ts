// AssemblyScript. Batch normalisation over (N, C, inner) float32 values, computed in float64 pairs with the very
// operations, in the very order, of the reference (kernels/normalization.ts), so it gives the same bits.
import { high, low, narrow } from './float64.as'
import { BATCH_NORM_FORWARD as FORWARD } from './generated/interface.as'
import { arg, argFloat64, chunkStart, claimChunk, passOf } from './pass-job.as'

const VALUES = 0, SQUARES = 1

// NOTE: ReLU as ops/elementwise.ts computes it, on the float bits as int32: forward v & ~(v >> 31) (v, or 0 where
// the sign bit is set), backward dy & ~(((y − 1) | y) >> 31) (dy where the int32 y > 0, i.e. the float y > 0).
/** Four values at `x + at`, zeroed where the ReLU output at `relu + at` is not positive (none when `relu` is 0). */
@inline function loadMasked(x: usize, relu: usize, at: usize): v128 {
  const v = v128.load(x + at)
  if (relu == 0) return v
  const y = v128.load(relu + at)
  return v128.andnot(v, i32x4.shr_s(v128.or(i32x4.sub(y, i32x4.splat(1)), y), 31))
}

@inline function loadMaskedScalar(x: usize, relu: usize, at: usize): f64 {
  if (relu == 0) return <f64>load<f32>(x + at)
  const y = load<i32>(relu + at)
  return <f64>reinterpret<f32>(load<i32>(x + at) & ~(((y - 1) | y) >> 31))
}

/** ReLU of four floats. */
@inline function relu4(v: v128): v128 {
  return v128.andnot(v, i32x4.shr_s(v, 31))
}

@inline function reluScalar(v: f32): f32 {
  const bits = reinterpret<i32>(v)
  return reinterpret<f32>(bits & ~(bits >> 31))
}

/** x̂ = (x − m)·s rounded to float32 (and back), as the forward pass would have kept it. */
@inline function xhat(x: v128, m: v128, s: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(f64x2.sub(x, m), s)))
}

/** The value a channel sum adds for v: v, or (v − m)². */
@inline function term(mode: i32, v: v128, m: v128): v128 {
  if (mode == VALUES) return v
  const d = f64x2.sub(v, m)
  return f64x2.mul(d, d)
}

/** Adds the tail values of a plane (j < inner, j mod 4 < 3) to their partial sums' lanes. */
@inline function addTail(sums: v128, lane: i32, value: f64): v128 {
  return lane == 0 ? f64x2.replace_lane(sums, 0, f64x2.extract_lane(sums, 0) + value) : f64x2.replace_lane(sums, 1, f64x2.extract_lane(sums, 1) + value)
}

/** (s0 + s2) + (s1 + s3) of the partial sums s0, s1 in `lo` and s2, s3 in `hi`. */
@inline function combine(lo: v128, hi: v128): f64 {
  const sum = f64x2.add(lo, hi)
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1)
}

/**
 * Σ term over channel c's planes (mode VALUES or SQUARES): value j of a plane goes into partial sum j mod 4
 * (lanes of `lo` and `hi`), and the sums are combined as (s0 + s2) + (s1 + s3).
 */
@inline function channelSum(mode: i32, x: usize, batch: i32, channels: i32, inner: i32, c: i32, m: f64): f64 {
  let lo = f64x2.splat(0)
  let hi = f64x2.splat(0)
  const mean = f64x2.splat(m)
  for (let n = 0; n < batch; n++) {
    const plane = <usize>((n * channels + c) * inner) << 2
    let j = 0
    for (; j + 4 <= inner; j += 4) {
      const v = v128.load(x + plane + (<usize>j << 2))
      lo = f64x2.add(lo, term(mode, low(v), mean))
      hi = f64x2.add(hi, term(mode, high(v), mean))
    }
    for (; j < inner; j++) {
      const v = <f64>load<f32>(x + plane + (<usize>j << 2))
      const t = mode == VALUES ? v : (v - m) * (v - m)
      if ((j & 2) == 0) lo = addTail(lo, j & 1, t)
      else hi = addTail(hi, 0, t)
    }
  }
  return combine(lo, hi)
}

/**
 * Σ dy and Σ dy·x̂ over channel c's planes in one pass (dy masked by the ReLU output `relu` unless 0, x̂ from x),
 * each in channelSum's order, stored at `sumDy` and `sumDyXhat`.
 */
@inline function gradientSums(dy: usize, x: usize, relu: usize, batch: i32, channels: i32, inner: i32, c: i32, m: f64, s: f64, sumDy: usize, sumDyXhat: usize): void {
  let lo = f64x2.splat(0)
  let hi = f64x2.splat(0)
  let productsLo = f64x2.splat(0)
  let productsHi = f64x2.splat(0)
  const mean = f64x2.splat(m)
  const scale = f64x2.splat(s)
  for (let n = 0; n < batch; n++) {
    const plane = <usize>((n * channels + c) * inner) << 2
    let j = 0
    for (; j + 4 <= inner; j += 4) {
      const at = plane + (<usize>j << 2)
      const g = loadMasked(dy, relu, at)
      const u = v128.load(x + at)
      const gLo = low(g)
      const gHi = high(g)
      lo = f64x2.add(lo, gLo)
      hi = f64x2.add(hi, gHi)
      productsLo = f64x2.add(productsLo, f64x2.mul(gLo, xhat(low(u), mean, scale)))
      productsHi = f64x2.add(productsHi, f64x2.mul(gHi, xhat(high(u), mean, scale)))
    }
    for (; j < inner; j++) {
      const at = plane + (<usize>j << 2)
      const g = loadMaskedScalar(dy, relu, at)
      const product = g * <f64><f32>((<f64>load<f32>(x + at) - m) * s)
      if ((j & 2) == 0) {
        lo = addTail(lo, j & 1, g)
        productsLo = addTail(productsLo, j & 1, product)
      } else {
        hi = addTail(hi, 0, g)
        productsHi = addTail(productsHi, 0, product)
      }
    }
  }
  store<f64>(sumDy, combine(lo, hi))
  store<f64>(sumDyXhat, combine(productsLo, productsHi))
}

/**
 * Batch norm forward over channels [c0, c1) of x (batch × channels × inner floats). Training: each channel's mean,
 * biased variance and 1/√(variance + eps) (float64 arrays) are computed from x; else mean and invStd are read.
 * Writes x̂ = (x − μ)·invStd, γ·x̂ + β (γ, β float32 per channel) to `out`, through ReLU when `relu`. A channel's
 * values depend on nothing outside it, so the channels may be split among threads with the same bits.
 */
export function batchNormForward(
  x: usize, out: usize, weight: usize, bias: usize, mean: usize, variance: usize, invStd: usize,
  batch: i32, channels: i32, inner: i32, training: bool, relu: bool, eps: f64, c0: i32, c1: i32,
): void {
  const count = <f64>(batch * inner)
  for (let c = c0; c < c1; c++) {
    if (training) {
      const at = <usize>c << 3
      const m = channelSum(VALUES, x, batch, channels, inner, c, 0) / count
      const s = channelSum(SQUARES, x, batch, channels, inner, c, m) / count
      store<f64>(mean + at, m)
      store<f64>(variance + at, s)
      store<f64>(invStd + at, 1 / Math.sqrt(s + eps))
    }
    const m = load<f64>(mean + (<usize>c << 3))
    const s = load<f64>(invStd + (<usize>c << 3))
    const gamma = <f64>load<f32>(weight + (<usize>c << 2))
    const beta = <f64>load<f32>(bias + (<usize>c << 2))
    const mv = f64x2.splat(m)
    const sv = f64x2.splat(s)
    const gv = f64x2.splat(gamma)
    const bv = f64x2.splat(beta)
    for (let n = 0; n < batch; n++) {
      const plane = <usize>((n * channels + c) * inner) << 2
      let j = 0
      for (; j + 4 <= inner; j += 4) {
        const at = plane + (<usize>j << 2)
        const v = v128.load(x + at)
        const lo = f64x2.mul(f64x2.sub(low(v), mv), sv)
        const hi = f64x2.mul(f64x2.sub(high(v), mv), sv)
        const y = narrow(f64x2.add(f64x2.mul(gv, lo), bv), f64x2.add(f64x2.mul(gv, hi), bv))
        v128.store(out + at, relu ? relu4(y) : y)
      }
      for (; j < inner; j++) {
        const at = plane + (<usize>j << 2)
        const xhat = (<f64>load<f32>(x + at) - m) * s
        const y = <f32>(gamma * xhat + beta)
        store<f32>(out + at, relu ? reluScalar(y) : y)
      }
    }
  }
}

/**
 * Batch norm backward over channels [c0, c1): Σ dy and Σ dy·x̂ per channel into `sumDy`, `sumDyXhat` (float64),
 * and, when `dx` is not 0, dx = γ·invStd·(dy − Σdy/m − x̂·Σ(dy·x̂)/m) in training (m = batch·inner), γ·invStd·dy in
 * eval. When `reluOut` is not 0, the forward pass's y went through ReLU and dy counts only where y > 0. As in the
 * forward pass, channels may be split among threads with the same bits.
 */
export function batchNormBackward(
  dy: usize, reluOut: usize, x: usize, mean: usize, weight: usize, invStd: usize, sumDy: usize, sumDyXhat: usize, dx: usize,
  batch: i32, channels: i32, inner: i32, training: bool, c0: i32, c1: i32,
): void {
  const count = <f64>(batch * inner)
  for (let c = c0; c < c1; c++) {
    const m = load<f64>(mean + (<usize>c << 3))
    const s = load<f64>(invStd + (<usize>c << 3))
    gradientSums(dy, x, reluOut, batch, channels, inner, c, m, s, sumDy + (<usize>c << 3), sumDyXhat + (<usize>c << 3))
    if (dx == 0) continue
    const scale = <f64>load<f32>(weight + (<usize>c << 2)) * s
    const meanDy = training ? load<f64>(sumDy + (<usize>c << 3)) / count : 0
    const meanDyXhat = training ? load<f64>(sumDyXhat + (<usize>c << 3)) / count : 0
    const sv = f64x2.splat(scale)
    const dv = f64x2.splat(meanDy)
    const xv = f64x2.splat(meanDyXhat)
    const mv = f64x2.splat(m)
    const iv = f64x2.splat(s)
    for (let n = 0; n < batch; n++) {
      const plane = <usize>((n * channels + c) * inner) << 2
      let j = 0
      if (training) {
        for (; j + 4 <= inner; j += 4) {
          const at = plane + (<usize>j << 2)
          const g = loadMasked(dy, reluOut, at)
          const h = v128.load(x + at)
          const lo = f64x2.mul(sv, f64x2.sub(f64x2.sub(low(g), dv), f64x2.mul(xhat(low(h), mv, iv), xv)))
          const hi = f64x2.mul(sv, f64x2.sub(f64x2.sub(high(g), dv), f64x2.mul(xhat(high(h), mv, iv), xv)))
          v128.store(dx + at, narrow(lo, hi))
        }
        for (; j < inner; j++) {
          const at = plane + (<usize>j << 2)
          store<f32>(dx + at, <f32>(scale * (loadMaskedScalar(dy, reluOut, at) - meanDy - <f64><f32>((<f64>load<f32>(x + at) - m) * s) * meanDyXhat)))
        }
      } else {
        for (; j + 4 <= inner; j += 4) {
          const at = plane + (<usize>j << 2)
          const g = loadMasked(dy, reluOut, at)
          v128.store(dx + at, narrow(f64x2.mul(sv, low(g)), f64x2.mul(sv, high(g))))
        }
        for (; j < inner; j++) store<f32>(dx + plane + (<usize>j << 2), <f32>(scale * loadMaskedScalar(dy, reluOut, plane + (<usize>j << 2))))
      }
    }
  }
}

/**
 * Runs chunks of the batch-norm pass at `job` (see pass-job.as.ts; the forward pass's eps, a float64, takes the
 * two words after its other arguments) until none is left, each over channels. `work` is unused.
 */
export function batchNormChunks(job: usize, work: usize): void {
  const pass = passOf(job)
  const channels = pass == FORWARD ? arg(job, 8) : arg(job, 10)
  for (let i = claimChunk(job); i >= 0; i = claimChunk(job)) {
    const lo = chunkStart(job, i, channels), hi = chunkStart(job, i + 1, channels)
    if (pass == FORWARD) {
      batchNormForward(
        <usize>arg(job, 0), <usize>arg(job, 1), <usize>arg(job, 2), <usize>arg(job, 3), <usize>arg(job, 4), <usize>arg(job, 5), <usize>arg(job, 6),
        arg(job, 7), arg(job, 8), arg(job, 9), arg(job, 10) != 0, arg(job, 11) != 0, argFloat64(job, 12), lo, hi,
      )
    } else {
      batchNormBackward(
        <usize>arg(job, 0), <usize>arg(job, 1), <usize>arg(job, 2), <usize>arg(job, 3), <usize>arg(job, 4), <usize>arg(job, 5), <usize>arg(job, 6),
        <usize>arg(job, 7), <usize>arg(job, 8), arg(job, 9), arg(job, 10), arg(job, 11), arg(job, 12) != 0, lo, hi,
      )
    }
  }
}
