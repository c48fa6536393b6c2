import { gemmReference, type Gemm } from './matmul'

/** The hot loops the ops call through. The reference versions stand until a faster set is installed. */
export interface Kernels {
  gemm: Gemm
}

export const kernels: Kernels = { gemm: gemmReference }

/** Swap in faster kernels (each one tested equal to its reference). */
export function useKernels(replacement: Partial<Kernels>): void {
  Object.assign(kernels, replacement)
}

export type { Gemm, GemmArgs } from './matmul'
