import type { AllFinite } from '../finite'
import type { KernelModule } from './instance'
import type { Layout } from './layout'
import { callStaged } from './staging'

/** The finiteness check on WebAssembly SIMD: in place for an array in the kernels' memory, else on a copy. */
export function createAllFinite(wasm: KernelModule, layout: Layout): AllFinite {
  const { exports } = wasm
  return (values) => {
    let nonFinite = 0
    callStaged(wasm, layout, [[values, 'in']], ([at]) => (nonFinite = exports.anyNonFinite(at, values.length)))
    return nonFinite === 0
  }
}
