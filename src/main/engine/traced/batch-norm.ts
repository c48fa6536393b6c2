import { attr } from '../../onnx/graph'
import type { BatchNorm2d } from '../nn/normalization'
import type { TraceContext } from './layers'
import { axes, keep, type Tracer, type Value } from './tracer'

const PLANES = [0, 2, 3]

/** Per-channel sums of `v` over batch and plane, kept as (1, C, 1, 1). */
const channelSum = (t: Tracer, v: Value, hint: string): Value => t.op('ReduceSum', [v, axes(t, PLANES)], [1, v.shape[1], 1, 1], keep(true), hint)

/**
 * BatchNorm2d as elementwise nodes: in training normalised by the batch's statistics (biased variance) with the
 * running ones updated as PyTorch does (unbiased variance, weight `momentum` on the batch), else by the running ones.
 */
export function traceBatchNorm(context: TraceContext, module: BatchNorm2d, x: Value, path: string): Value {
  const t = context.tracer
  const [n, c, h, w] = x.shape
  const perChannel = [1, c, 1, 1]
  const asColumn = (v: Value): Value => t.op('Reshape', [v, t.ints(perChannel, 'shape')], perChannel)
  const gamma = context.parameter(module.weight, `${path}.weight`)
  const beta = context.parameter(module.bias, `${path}.bias`)
  const runningMean = context.buffer(module.runningMean, `${path}.runningMean`)
  const runningVar = context.buffer(module.runningVar, `${path}.runningVar`)
  const eps = t.constant([module.eps], [], 'eps')
  let centred: Value
  let invStd: Value
  if (module.training) {
    const mean = t.op('ReduceMean', [x], perChannel, { axes: attr.ints(PLANES), ...keep(true) }, `${path}.mean`)
    centred = t.op('Sub', [x, mean], x.shape)
    const variance = t.op('ReduceMean', [t.op('Mul', [centred, centred], x.shape)], perChannel, { axes: attr.ints(PLANES), ...keep(true) }, `${path}.var`)
    invStd = t.op('Reciprocal', [t.op('Sqrt', [t.op('Add', [variance, eps], perChannel)], perChannel)], perChannel)
    const count = n * h * w
    const unbiased = count > 1 ? count / (count - 1) : 1
    const blend = (running: Value, batch: Value, scale: number): Value => {
      const flat = t.op('Reshape', [batch, t.ints([c], 'shape')], [c])
      const kept = t.op('Mul', [running, t.constant([1 - module.momentum], [], 'keep')], [c])
      return t.op('Add', [kept, t.op('Mul', [flat, t.constant([module.momentum * scale], [], 'momentum')], [c])], [c])
    }
    context.update(module.runningMean, blend(runningMean, mean, 1))
    context.update(module.runningVar, blend(runningVar, variance, unbiased))
  } else {
    centred = t.op('Sub', [x, asColumn(runningMean)], x.shape)
    invStd = t.op('Reciprocal', [t.op('Sqrt', [t.op('Add', [asColumn(runningVar), eps], perChannel)], perChannel)], perChannel)
  }
  const xHat = t.op('Mul', [centred, invStd], x.shape, {}, `${path}.xhat`)
  const gammaColumn = asColumn(gamma)
  const y = t.op('Add', [t.op('Mul', [xHat, gammaColumn], x.shape), asColumn(beta)], x.shape, {}, `${path}.BatchNorm`)
  const training = module.training
  t.onBackward(() => {
    const g = t.grad(y)
    if (!g) return
    // dβ = Σ dy, dγ = Σ dy·x̂
    const sumG = channelSum(t, g, 'bn_dbeta')
    const sumGx = channelSum(t, t.op('Mul', [g, xHat], x.shape), 'bn_dgamma')
    t.addGrad(beta, t.op('Reshape', [sumG, t.ints([c], 'shape')], [c]))
    t.addGrad(gamma, t.op('Reshape', [sumGx, t.ints([c], 'shape')], [c]))
    if (!t.needsGrad(x)) return
    const scale = t.op('Mul', [gammaColumn, invStd], perChannel)
    if (!training) {
      // eval: μ, σ are constants → dx = γ/σ·dy
      t.addGrad(x, t.op('Mul', [g, scale], x.shape, {}, 'bn_dx'))
      return
    }
    // training: dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂))
    const inverseCount = t.constant([1 / (n * h * w)], [], 'inverse_count')
    const meanG = t.op('Mul', [sumG, inverseCount], perChannel)
    const meanGx = t.op('Mul', [sumGx, inverseCount], perChannel)
    const inner = t.op('Sub', [t.op('Sub', [g, meanG], x.shape), t.op('Mul', [xHat, meanGx], x.shape)], x.shape)
    t.addGrad(x, t.op('Mul', [inner, scale], x.shape, {}, 'bn_dx'))
  })
  return y
}
