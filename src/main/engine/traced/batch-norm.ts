import { attr } from '../../onnx/graph'
import type { BatchNorm2d } from '../nn/normalization'
import type { TraceContext } from './layers'
import { axes, keep, type Tracer, type Value } from './tracer'

const PLANES = [0, 2, 3]

/** Per-channel sums of `v` over batch and plane, kept as (1, C, 1, 1). */
const channelSum = (t: Tracer, v: Value, hint: string): Value => t.op('ReduceSum', [v, axes(t, PLANES)], [1, v.shape[1], 1, 1], keep(true), hint)

/** `a·v + b` per channel in one pass: ONNX's inference BatchNormalization with mean 0, variance 1 and ε 0. */
function affine(t: Tracer, v: Value, a: Value, b: Value, hint: string): Value {
  const c = v.shape[1]
  const [zeros, ones] = [t.constant(new Array<number>(c).fill(0), [c], 'zeros'), t.constant(new Array<number>(c).fill(1), [c], 'ones')]
  return t.op('BatchNormalization', [v, a, b, zeros, ones], v.shape, { epsilon: attr.float(0) }, hint)
}

/**
 * BatchNorm2d in few passes over the activation: in training normalised by the batch's statistics (biased variance)
 * with the running ones updated as PyTorch does (unbiased variance, weight `momentum` on the batch), else by the
 * running ones. The normalisation itself is ONNX's inference BatchNormalization fed those statistics.
 */
export function traceBatchNorm(context: TraceContext, module: BatchNorm2d, x: Value, path: string): Value {
  const t = context.tracer
  const [n, c, h, w] = x.shape
  const perChannel = [1, c, 1, 1]
  const flat = (v: Value): Value => t.op('Reshape', [v, t.ints([c], 'shape')], [c])
  const column = (v: Value): Value => t.op('Reshape', [v, t.ints(perChannel, 'shape')], perChannel)
  const gamma = context.parameter(module.weight, `${path}.weight`)
  const beta = context.parameter(module.bias, `${path}.bias`)
  const runningMean = context.buffer(module.runningMean, `${path}.runningMean`)
  const runningVar = context.buffer(module.runningVar, `${path}.runningVar`)
  const count = n * h * w
  const training = module.training
  let mean = runningMean
  let variance = runningVar
  // x − μ: computed forward in training (the variance needs it); in eval only a backward pass reads it
  let centred: Value | null = null
  if (training) {
    const mean4 = t.op('ReduceMean', [x], perChannel, { axes: attr.ints(PLANES), ...keep(true) }, `${path}.mean`)
    centred = t.op('Sub', [x, mean4], x.shape, {}, `${path}.centred`)
    const squares = t.op('ReduceSumSquare', [centred], perChannel, { axes: attr.ints(PLANES), ...keep(true) })
    ;[mean, variance] = [flat(mean4), flat(t.op('Mul', [squares, t.constant([1 / count], [], 'inverse_count')], perChannel))]
    const unbiased = count > 1 ? count / (count - 1) : 1
    const blend = (running: Value, batch: Value, scale: number): Value => {
      const kept = t.op('Mul', [running, t.constant([1 - module.momentum], [], 'keep')], [c])
      return t.op('Add', [kept, t.op('Mul', [batch, t.constant([module.momentum * scale], [], 'momentum')], [c])], [c])
    }
    context.update(module.runningMean, blend(runningMean, mean, 1))
    context.update(module.runningVar, blend(runningVar, variance, unbiased))
  }
  const y = t.op('BatchNormalization', [x, gamma, beta, mean, variance], x.shape, { epsilon: attr.float(module.eps) }, `${path}.BatchNorm`)
  t.onBackward(() => {
    const g = t.grad(y)
    if (!g) return
    const invStd = t.op('Reciprocal', [t.op('Sqrt', [t.op('Add', [variance, t.constant([module.eps], [], 'eps')], [c])], [c])], [c])
    // with d = x − μ and x̂ = d/σ: dβ = Σ dy, dγ = Σ dy·x̂ = Σ(dy·d)/σ
    const sumG = flat(channelSum(t, g, 'bn_dbeta'))
    const d = centred ?? t.op('Sub', [x, column(runningMean)], x.shape, {}, `${path}.centred`)
    const sumGd = flat(channelSum(t, t.op('Mul', [g, d], x.shape), 'bn_sum_g_d'))
    t.addGrad(beta, sumG)
    t.addGrad(gamma, t.op('Mul', [sumGd, invStd], [c], {}, 'bn_dgamma'))
    if (!t.needsGrad(x)) return
    const scale = t.op('Mul', [gamma, invStd], [c])
    if (!training) {
      // eval: μ, σ are constants → dx = γ/σ·dy
      t.addGrad(x, affine(t, g, scale, t.constant(new Array<number>(c).fill(0), [c], 'zeros'), 'bn_dx'))
      return
    }
    // training: dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)) = a·dy + k₁·d + k₀, a = γ/σ, k₁ = −a·Σ(dy·d)/(σ²·M), k₀ = −a·Σdy/M
    const minusInverseCount = t.constant([-1 / count], [], 'minus_inverse_count')
    const k0 = t.op('Mul', [t.op('Mul', [scale, sumG], [c]), minusInverseCount], [c])
    const k1 = t.op('Mul', [t.op('Mul', [t.op('Mul', [scale, sumGd], [c]), t.op('Mul', [invStd, invStd], [c])], [c]), minusInverseCount], [c])
    const direct = affine(t, g, scale, k0, 'bn_dx_direct')
    t.addGrad(x, t.op('Add', [direct, t.op('Mul', [d, column(k1)], x.shape)], x.shape, {}, 'bn_dx'))
  })
  return y
}
