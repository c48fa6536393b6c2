import { col2imReference, im2colReference, sumRowsReference, swapAxesReference, type Col2im, type Im2col, type SumRows, type SwapAxes } from './im2col'
import { gatherUnitReference, type GatherUnit } from './images'
import { gemmReference, type Gemm, type IndexNonzeros } from './matmul'
import { batchNormBackwardReference, batchNormForwardReference, type BatchNormBackward, type BatchNormForward } from './normalization'
import { adamStepReference, type AdamStep } from './optim'
import { allFiniteReference, type AllFinite } from './finite'
import { nativeBindingProblem, ONNXRUNTIME_VERSION } from './native/binding'
import { cpuVectorExtension } from './native/cpu'
import { createNativeGemm, routedGemm } from './native/gemm'
import { adamStepWasm, allFiniteWasm, batchNormWasm, convKernelsWasm, gatherUnitWasm, kernelThreads, kernelThreadsReady, gemmWasm, indexNonzerosWasm, lentArrays, setKernelThreads } from './wasm'

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

/** Where the kernels come from: onnxruntime's MLAS (native), our WebAssembly SIMD, or the plain TypeScript. */
export type KernelProvider = 'native' | 'wasm' | 'reference'
export const KERNEL_PROVIDERS: readonly KernelProvider[] = ['native', 'wasm', 'reference']

const nativeGemm = nativeBindingProblem === null ? createNativeGemm(() => kernelThreads()) : null

/**
 * The native set: large products through onnxruntime's MLAS at the CPU's full vector width, the rest (small or
 * mostly-zero products, the memory passes) on WebAssembly; null where onnxruntime's binding did not load.
 */
export const nativeKernels: Readonly<Kernels> | null = nativeGemm ? Object.freeze({ ...fastKernels, gemm: routedGemm(nativeGemm, fastKernels.gemm) }) : null

/** Why `provider` cannot run here, or null when it can. */
export function providerProblem(provider: KernelProvider): string | null {
  if (provider === 'native') return nativeBindingProblem
  if (provider === 'wasm') return gemmWasm ? null : 'the WebAssembly kernels did not load (this runtime lacks SIMD or shared memory, or `npm run build:wasm` was not run)'
  return null
}

const tables: Readonly<Record<KernelProvider, Readonly<Kernels> | null>> = { native: nativeKernels, wasm: gemmWasm ? fastKernels : null, reference: referenceKernels }

/** Environment variable that picks the provider at start (`native`, `wasm` or `reference`). */
export const KERNELS_ENV = 'DIGIT_LAB_KERNELS'

/** The provider asked for by `DIGIT_LAB_KERNELS`, else the fastest one present. */
export function startingProvider(): KernelProvider {
  const asked = process.env[KERNELS_ENV]?.trim()
  if (asked) return parseProvider(asked, KERNELS_ENV)
  return nativeKernels ? 'native' : gemmWasm ? 'wasm' : 'reference'
}

/** `text` as a provider name, or an error naming `source` and the choices. */
export function parseProvider(text: string, source: string): KernelProvider {
  const provider = KERNEL_PROVIDERS.find((name) => name === text)
  if (!provider) throw new Error(`${source}: unknown kernels "${text}"; choose one of ${KERNEL_PROVIDERS.join(', ')}`)
  return provider
}

/** The kernels in use; they start as `DIGIT_LAB_KERNELS` asks, else the fastest provider present. */
export const kernels: Kernels = { ...tables[startingProvider()]! }
if (process.env[KERNELS_ENV] && providerProblem(startingProvider())) {
  throw new Error(`${KERNELS_ENV}=${startingProvider()}: ${providerProblem(startingProvider())}`)
}

/** Swap in other kernels, e.g. `useKernels(referenceKernels)` in a test (each fast one is tested equal). */
export function useKernels(replacement: Partial<Kernels>): void {
  Object.assign(kernels, replacement)
}

/** Uses every kernel of `provider`; throws, saying why, where it cannot run. */
export function useProvider(provider: KernelProvider): void {
  const table = tables[provider]
  if (!table) throw new Error(`the ${provider} kernels cannot run here: ${providerProblem(provider)}`)
  useKernels(table)
}

/** The provider whose kernels are in use ('mixed' after `useKernels` swapped in some of another's). */
export function kernelProvider(): KernelProvider | 'mixed' {
  const match = KERNEL_PROVIDERS.find((name) => {
    const table = tables[name]
    return table !== null && (Object.keys(table) as (keyof Kernels)[]).every((key) => kernels[key] === table[key])
  })
  return match ?? 'mixed'
}

/** `provider` in words, for status lines: what computes, and the CPU's vector extension MLAS picks from. */
export function describeProvider(provider: KernelProvider): string {
  if (provider === 'native') return `native (onnxruntime ${ONNXRUNTIME_VERSION} MLAS on ${cpuVectorExtension()}; small products on WebAssembly SIMD)`
  return provider === 'wasm' ? 'WebAssembly SIMD (128-bit)' : 'TypeScript reference'
}

/**
 * The WebAssembly kernels: the same bits for every thread count, and the bits of every release before the
 * native provider, whose bits depend on the CPU's instruction set and the thread count. For work that must
 * retrain to known bits, such as the shipped starting points' recipe and its test. Throws where WebAssembly
 * cannot run.
 */
export function useBitExactKernels(): void {
  useProvider('wasm')
}

// NOTE: measured on the chapter's models (2 cores): splitting each large product among threads trained
// simple_net 1.2–1.35× faster, while two data-parallel halves of each batch could not beat one thread at all:
// half a batch costs a step's whole fixed overhead. Kernels that split also keep every sum in one order.
/**
 * How many threads the engine computes on: this one plus helpers that share each large product (a GEMM, and
 * so a convolution), 1 (the default) to MAX_THREADS. Training gives the same bits for every count.
 */
export function setThreads(count: number): void {
  setKernelThreads(count)
}

/** The thread count `setThreads` set. */
export function threads(): number {
  return kernelThreads()
}

/** Resolves once the helper threads `setThreads` asked for are running (they start in ~50 ms). */
export function threadsReady(): Promise<void> {
  return kernelThreadsReady()
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

export { ScratchSlot } from './scratch-slot'
export { cpuVectorExtension }
export { convKernelsWasm, gemmReference, gemmWasm, gatherUnitReference, gatherUnitWasm, indexNonzerosWasm }
/** The most threads `setThreads` takes. */
export { MAX_THREADS } from './wasm/layout'
export { MAX_LENT_BYTES } from './wasm/lent'
export { allocateKernelArray, kernelBytes, kernelCopy, fusedGemm, kernelThreads, kernelThreadsReady, setFusedGemm, setKernelThreads, setSparseGemm } from './wasm'
export type { GatherUnit } from './images'
export type { Gemm, GemmArgs, IndexNonzeros, NonzeroIndex } from './matmul'
export type { Col2im, ConvGeometry, Im2col, SumRows, SwapAxes } from './im2col'
export type { BatchNormBackward, BatchNormBackwardArgs, BatchNormForward, BatchNormForwardArgs } from './normalization'
export type { AdamStep, AdamStepArgs } from './optim'
export type { AllFinite } from './finite'
