import { gemmReference, type Gemm } from './matmul'
import { gemmWasm } from './wasm'

/** The hot loops the ops call through. */
export interface Kernels {
  gemm: Gemm
}

/** The plain TypeScript kernels every fast one is tested against. */
export const referenceKernels: Readonly<Kernels> = Object.freeze({ gemm: gemmReference })

/** The fastest kernels this runtime runs: WebAssembly SIMD where available, else the reference. */
export const fastKernels: Readonly<Kernels> = Object.freeze({ gemm: gemmWasm ?? gemmReference })

/** The kernels in use; they start as the fast set. */
export const kernels: Kernels = { ...fastKernels }

/** Swap in other kernels, e.g. `useKernels(referenceKernels)` in a test (each fast one is tested equal). */
export function useKernels(replacement: Partial<Kernels>): void {
  Object.assign(kernels, replacement)
}

export { gemmReference, gemmWasm }
export type { Gemm, GemmArgs } from './matmul'
