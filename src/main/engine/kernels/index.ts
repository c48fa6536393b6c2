import { col2imReference, im2colReference, sumRowsReference, swapAxesReference, type Col2im, type Im2col, type SumRows, type SwapAxes } from './conv'
import { gatherUnitReference, type GatherUnit } from './images'
import { gemmReference, type Gemm, type IndexNonzeros } from './matmul'
import { batchNormBackwardReference, batchNormForwardReference, type BatchNormBackward, type BatchNormForward } from './normalization'
import { adamStepReference, type AdamStep } from './optim'
import { allFiniteReference, type AllFinite } from './finite'
import { adamStepWasm, allFiniteWasm, batchNormWasm, convKernelsWasm, gatherUnitWasm, gemmThreads, gemmThreadsReady, gemmWasm, indexNonzerosWasm, lentArrays, scratchArrays, setGemmThreads } from './wasm'

/** The hot loops the ops call through. */
export interface Kernels {
  gemm: Gemm
  im2col: Im2col
  col2im: Col2im
  swapAxes: SwapAxes
  sumRows: SumRows
  gatherUnit: GatherUnit
  indexNonzeros: IndexNonzeros
  batchNormForward: BatchNormForward
  batchNormBackward: BatchNormBackward
  adamStep: AdamStep
  allFinite: AllFinite
}

/** The plain TypeScript kernels every fast one is tested against. */
export const referenceKernels: Readonly<Kernels> = Object.freeze({
  gemm: gemmReference,
  im2col: im2colReference,
  col2im: col2imReference,
  swapAxes: swapAxesReference,
  sumRows: sumRowsReference,
  gatherUnit: gatherUnitReference,
  // The plain GEMM needs no index: it skips zeros as it meets them.
  indexNonzeros: () => null,
  batchNormForward: batchNormForwardReference,
  batchNormBackward: batchNormBackwardReference,
  adamStep: adamStepReference,
  allFinite: allFiniteReference,
})

/** The fastest kernels this runtime runs: WebAssembly SIMD where available, else the reference. */
export const fastKernels: Readonly<Kernels> = Object.freeze({
  gemm: gemmWasm ?? gemmReference,
  im2col: convKernelsWasm?.im2col ?? im2colReference,
  col2im: convKernelsWasm?.col2im ?? col2imReference,
  swapAxes: convKernelsWasm?.swapAxes ?? swapAxesReference,
  sumRows: convKernelsWasm?.sumRows ?? sumRowsReference,
  gatherUnit: gatherUnitWasm ?? gatherUnitReference,
  indexNonzeros: indexNonzerosWasm ?? (() => null),
  batchNormForward: batchNormWasm?.forward ?? batchNormForwardReference,
  batchNormBackward: batchNormWasm?.backward ?? batchNormBackwardReference,
  adamStep: adamStepWasm ?? adamStepReference,
  allFinite: allFiniteWasm ?? allFiniteReference,
})

/** The kernels in use; they start as the fast set. */
export const kernels: Kernels = { ...fastKernels }

/** Swap in other kernels, e.g. `useKernels(referenceKernels)` in a test (each fast one is tested equal). */
export function useKernels(replacement: Partial<Kernels>): void {
  Object.assign(kernels, replacement)
}

// NOTE: measured on the chapter's models (2 cores): splitting each large product among threads trained
// simple_net 1.2–1.35× faster, while two data-parallel halves of each batch could not beat one thread at all:
// half a batch costs a step's whole fixed overhead. Kernels that split also keep every sum in one order.
/**
 * How many threads the engine computes on: this one plus helpers that share each large product (a GEMM, and
 * so a convolution), 1 (the default) to MAX_THREADS. Training gives the same bits for every count.
 */
export function setThreads(count: number): void {
  setGemmThreads(count)
}

/** The thread count `setThreads` set. */
export function threads(): number {
  return gemmThreads()
}

/** Resolves once the helper threads `setThreads` asked for are running (they start in ~50 ms). */
export function threadsReady(): Promise<void> {
  return gemmThreadsReady()
}

/**
 * The array of `slot`, `length` long, reused call after call for an op's intermediates (not zeroed; in the
 * kernels' memory where WebAssembly runs, so they use it in place). Any later call may overwrite it.
 */
export function scratchArray(slot: string, length: number): Float32Array {
  return scratchArrays.get(slot, length)
}

/**
 * An array of `length` (not zeroed) that an op keeps from one call to a later one, e.g. from its forward pass to
 * its backward; `giveBackArray` returns it for reuse, or it returns by itself once `owner` is garbage collected.
 * Null once MAX_LENT_BYTES are on loan: the op then computes again what it would have kept.
 */
export function lendArray(length: number, owner: object): Float32Array | null {
  return lentArrays.lend(length, owner)
}

/** Returns an array from `lendArray`; it must not be used again. */
export function giveBackArray(array: Float32Array): void {
  lentArrays.giveBack(array)
}

export { convKernelsWasm, gemmReference, gemmWasm, gatherUnitReference, gatherUnitWasm, indexNonzerosWasm }
/** The most threads `setThreads` takes. */
export { MAX_THREADS } from './wasm/layout'
export { MAX_LENT_BYTES } from './wasm/lent'
export { allocateKernelArray, kernelBytes, kernelCopy, fusedGemm, gemmThreads, gemmThreadsReady, setFusedGemm, setGemmThreads, setSparseGemm } from './wasm'
export type { GatherUnit } from './images'
export type { Gemm, GemmArgs, IndexNonzeros, NonzeroIndex } from './matmul'
export type { Col2im, ConvGeometry, Im2col, SumRows, SwapAxes } from './conv'
export type { BatchNormBackward, BatchNormBackwardArgs, BatchNormForward, BatchNormForwardArgs } from './normalization'
export type { AdamStep, AdamStepArgs } from './optim'
export type { AllFinite } from './finite'
