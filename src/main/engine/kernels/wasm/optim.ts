import type { AdamStep } from '../optim'
import type { GemmModule } from './instance'
import type { Layout } from './layout'
import { callStaged } from './staging'

/** What `optim.as.ts` exports; pointers are byte offsets into the memory. */
interface OptimExports {
  adamStep(
    values: number, grad: number, m: number, v: number, count: number,
    beta1: number, beta2: number, eps: number, coupledDecay: number, shrink: number, stepSize: number, inverseCorrection2: number,
  ): void
}

/**
 * The Adam update on WebAssembly SIMD (the same bits as the reference). Moments kept in the kernels' memory
 * (`allocateKernelArray`) are updated in place; the values and the gradient are copied in (and the values out).
 */
export function createAdamStep(wasm: GemmModule, layout: Layout): AdamStep {
  const exports = wasm.exports as unknown as OptimExports
  return (args) => {
    const { values, grad, m, v } = args
    if (grad.length !== values.length || m.length !== values.length || v.length !== values.length) {
      throw new RangeError(`adamStep: values, gradient and moments must have one length, got ${values.length}, ${grad.length}, ${m.length}, ${v.length}`)
    }
    const staged = [[values, 'inout'], [grad, 'in'], [m, 'inout'], [v, 'inout']] as const
    callStaged(wasm, layout, staged, (at) => exports.adamStep(
      at[0], at[1], at[2], at[3], values.length,
      args.beta1, args.beta2, args.eps, args.coupledDecay, args.shrink, args.stepSize, args.inverseCorrection2))
  }
}
