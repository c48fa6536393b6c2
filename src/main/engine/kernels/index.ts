import { col2imReference, im2colReference, type Col2im, type Im2col } from './conv'
import { gatherUnitReference, type GatherUnit } from './images'
import { gemmReference, type Gemm } from './matmul'
import { gatherUnitWasm, gemmWasm } from './wasm'

/** The hot loops the ops call through. */
export interface Kernels {
  gemm: Gemm
  im2col: Im2col
  col2im: Col2im
  gatherUnit: GatherUnit
}

/** The plain TypeScript kernels every fast one is tested against. */
export const referenceKernels: Readonly<Kernels> = Object.freeze({
  gemm: gemmReference,
  im2col: im2colReference,
  col2im: col2imReference,
  gatherUnit: gatherUnitReference,
})

/** The fastest kernels this runtime runs: WebAssembly SIMD where available, else the reference. */
export const fastKernels: Readonly<Kernels> = Object.freeze({
  gemm: gemmWasm ?? gemmReference,
  // NOTE: the plain loops are the fast path too until a WebAssembly version lands behind this boundary.
  im2col: im2colReference,
  col2im: col2imReference,
  gatherUnit: gatherUnitWasm ?? gatherUnitReference,
})

/** The kernels in use; they start as the fast set. */
export const kernels: Kernels = { ...fastKernels }

/** Swap in other kernels, e.g. `useKernels(referenceKernels)` in a test (each fast one is tested equal). */
export function useKernels(replacement: Partial<Kernels>): void {
  Object.assign(kernels, replacement)
}

export { gemmReference, gemmWasm, gatherUnitReference, gatherUnitWasm }
export { allocateKernelArray, gemmThreads, gemmThreadsReady, setGemmThreads, setSparseGemm } from './wasm'
export type { GatherUnit } from './images'
export type { Gemm, GemmArgs } from './matmul'
export type { Col2im, ConvGeometry, Im2col } from './conv'
