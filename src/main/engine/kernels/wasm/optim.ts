import type { AdamStep } from '../optim'
import type { SharePass } from './helpers'
import type { KernelModule } from './instance'
import type { Layout } from './layout'
import { callStaged } from './staging'

/** Below this many floats an update runs on one thread: waking a helper costs ~10–50 µs. */
const PARALLEL_MIN_VALUES = 1 << 16

/**
 * The Adam update on WebAssembly SIMD (the same bits as the reference), a large one shared among threads. Arrays
 * kept in the kernels' memory (parameters, moments) are updated in place; others are copied in (and out).
 */
export function createAdamStep(wasm: KernelModule, layout: Layout, share: SharePass): AdamStep {
  const { exports } = wasm
  return (args) => {
    const { values, grad, m, v } = args
    if (grad.length !== values.length || m.length !== values.length || v.length !== values.length) {
      throw new RangeError(`adamStep: values, gradient and moments must have one length, got ${values.length}, ${grad.length}, ${m.length}, ${v.length}`)
    }
    const constants = [args.beta1, args.beta2, args.eps, args.coupledDecay, args.shrink, args.stepSize, args.inverseCorrection2] as const
    const shared = values.length >= PARALLEL_MIN_VALUES
    const staged = [[values, 'inout'], [grad, 'in'], [m, 'inout'], [v, 'inout'], [shared ? Float64Array.from(constants) : null, 'in']] as const
    callStaged(wasm, layout, staged, (at) => {
      if (!shared || !share(0, values.length, [at[0], at[1], at[2], at[3], values.length, at[4]])) exports.adamStep(at[0], at[1], at[2], at[3], values.length, ...constants)
    })
  }
}
