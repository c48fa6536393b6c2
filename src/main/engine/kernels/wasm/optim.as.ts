// AssemblyScript. Optimizer updates over a parameter's floats, computed in float64 pairs with the very operations
// of the reference (kernels/optim.ts), so they give the same bits.
import { high, low, narrow } from './float64.as'
import { arg, chunkStart, claimChunk } from './pass-job.as'

/** g = grad + λ·p, as Adam without decoupled decay uses it (λ = 0 otherwise). */
@inline function decayed(p: v128, g: v128, decay: v128): v128 {
  return f64x2.add(g, f64x2.mul(decay, p))
}

/** β·s + k·t: a running average's update (with t = g·g, k·g·g is (k·g)·g). */
@inline function averaged(beta: v128, s: v128, keep: v128, t: v128): v128 {
  return f64x2.add(f64x2.mul(beta, s), f64x2.mul(keep, t))
}

/** p·shrink − stepSize·m / (√v·inverseCorrection2 + eps). */
@inline function stepped(p: v128, m: v128, v: v128, shrink: v128, stepSize: v128, inverseCorrection2: v128, eps: v128): v128 {
  return f64x2.sub(f64x2.mul(p, shrink), f64x2.div(f64x2.mul(stepSize, m), f64x2.add(f64x2.mul(f64x2.sqrt(v), inverseCorrection2), eps)))
}

/**
 * One Adam update of `count` floats: values, first moments m and second moments v (float32, in place) from the
 * gradient, with the constants the reference hoists out of its loop.
 */
export function adamStep(
  values: usize, grad: usize, m: usize, v: usize, count: i32,
  beta1: f64, beta2: f64, eps: f64, coupledDecay: f64, shrink: f64, stepSize: f64, inverseCorrection2: f64,
): void {
  const keep1 = 1 - beta1
  const keep2 = 1 - beta2
  const b1 = f64x2.splat(beta1)
  const b2 = f64x2.splat(beta2)
  const k1 = f64x2.splat(keep1)
  const k2 = f64x2.splat(keep2)
  const decay = f64x2.splat(coupledDecay)
  const shrinkV = f64x2.splat(shrink)
  const stepV = f64x2.splat(stepSize)
  const correctionV = f64x2.splat(inverseCorrection2)
  const epsV = f64x2.splat(eps)
  let i = 0
  for (; i + 4 <= count; i += 4) {
    const at = <usize>i << 2
    const p = v128.load(values + at)
    const g = v128.load(grad + at)
    const m4 = v128.load(m + at)
    const v4 = v128.load(v + at)
    const gLo = decayed(low(p), low(g), decay)
    const gHi = decayed(high(p), high(g), decay)
    const mLo = averaged(b1, low(m4), k1, gLo)
    const mHi = averaged(b1, high(m4), k1, gHi)
    const vLo = averaged(b2, low(v4), f64x2.mul(k2, gLo), gLo)
    const vHi = averaged(b2, high(v4), f64x2.mul(k2, gHi), gHi)
    v128.store(m + at, narrow(mLo, mHi))
    v128.store(v + at, narrow(vLo, vHi))
    const pLo = stepped(low(p), mLo, vLo, shrinkV, stepV, correctionV, epsV)
    const pHi = stepped(high(p), mHi, vHi, shrinkV, stepV, correctionV, epsV)
    v128.store(values + at, narrow(pLo, pHi))
  }
  for (; i < count; i++) {
    const at = <usize>i << 2
    const p = <f64>load<f32>(values + at)
    const g = <f64>load<f32>(grad + at) + coupledDecay * p
    const mi = beta1 * <f64>load<f32>(m + at) + keep1 * g
    const vi = beta2 * <f64>load<f32>(v + at) + keep2 * g * g
    store<f32>(m + at, <f32>mi)
    store<f32>(v + at, <f32>vi)
    store<f32>(values + at, <f32>(p * shrink - (stepSize * mi) / (Math.sqrt(vi) * inverseCorrection2 + eps)))
  }
}

/** Where chunk `i` of the update at `job` starts among `count` floats: on a multiple of four, the last ending at `count`. */
@inline function fourAligned(job: usize, i: i32, count: i32): i32 {
  const at = chunkStart(job, i, count)
  return at == count ? count : at & ~3
}

/**
 * Runs chunks of the Adam update at `job` (see pass-job.as.ts: values, grad, m, v, count, then the address of its
 * seven float64 constants in adamStep's order) until none is left. Each float is updated by the same operations
 * wherever a chunk starts, so any number of threads gives the same bits. `work` is unused.
 */
export function adamChunks(job: usize, work: usize): void {
  const values = <usize>arg(job, 0), grad = <usize>arg(job, 1), m = <usize>arg(job, 2), v = <usize>arg(job, 3)
  const count = arg(job, 4), constants = <usize>arg(job, 5)
  for (let i = claimChunk(job); i >= 0; i = claimChunk(job)) {
    const lo = fourAligned(job, i, count), hi = fourAligned(job, i + 1, count)
    const at = <usize>lo << 2
    adamStep(
      values + at, grad + at, m + at, v + at, hi - lo,
      load<f64>(constants), load<f64>(constants, 8), load<f64>(constants, 16), load<f64>(constants, 24),
      load<f64>(constants, 32), load<f64>(constants, 40), load<f64>(constants, 48),
    )
  }
}
