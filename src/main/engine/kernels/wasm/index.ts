import type { Gemm, GemmArgs, IndexNonzeros } from '../matmul'
import type { GatherUnit } from '../images'
import { HelperPool, type Job, type JobEntry, type SharePass } from './helpers'
import { createGatherUnit } from './images'
import { createConvKernels, type ConvKernels } from './im2col'
import { ScratchArrays } from './scratch'
import { LentArrays } from './lent'
import { createIndexNonzeros, indexAddress } from './nonzeros'
import { createBatchNorm } from './normalization'
import { createAdamStep } from './optim'
import { createAllFinite } from './finite'
import type { GemmOperands } from './generated/interface'
import { loadKernelModule, type KernelModule, type KernelBuild } from './instance'
import { align, Layout, MAX_THREADS } from './layout'

/**
 * Below this many multiply-adds a product runs on one thread: waking a helper costs ~10–50 µs (a sparse
 * simple_net product, 6.0M nominal and 1.2M done, ran no faster on two threads than on one).
 */
const PARALLEL_MIN_MACS = 1 << 21
/** Chunks are a multiple of this many rows or columns (the 4×8 tile divides it), and at least this big. */
const CHUNK_QUANTUM = 8
/** Chunks per thread: enough that a thread slowed by another process hands its share to the others. */
const CHUNKS_PER_THREAD = 4

/** A product that skips zeros does about this fraction of its multiply-adds (digits: a fifth of the pixels are ink). */
const SPARSE_WORK = 1 / 5

/**
 * Cuts m×n C along its longer side into chunks for `threads` threads; null when one thread should do it all. A
 * product that skips zeros counts the work it does, and gets one chunk per thread: each chunk packs all of the
 * other operand again.
 */
function plan(m: number, n: number, k: number, threads: number, skipsZeros: boolean): Omit<Job, 'operands' | 'build'> | null {
  const work = m * n * k * (skipsZeros ? SPARSE_WORK : 1)
  if (threads < 2 || work < PARALLEL_MIN_MACS || Math.min(m, n) < 2) return null
  const alongRows = m >= n
  const length = alongRows ? m : n
  const perThread = skipsZeros ? 1 : CHUNKS_PER_THREAD
  const chunk = Math.max(CHUNK_QUANTUM, align(Math.ceil(length / (threads * perThread)), CHUNK_QUANTUM))
  // The last chunk takes the remainder, so no chunk is narrower than CHUNK_QUANTUM.
  const chunks = Math.floor(length / chunk)
  return chunks < 2 ? null : { chunks, chunk, alongRows }
}

function checkLengths({ a, b, c, m, n, k }: GemmArgs): void {
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new RangeError(`gemm: operands of lengths ${a.length}, ${b.length}, ${c.length} are too short for m=${m}, n=${n}, k=${k}`)
  }
}

function createGemm(wasm: KernelModule, layout: Layout, pool: HelperPool): Gemm {
  return (gemmArgs) => {
    checkLengths(gemmArgs)
    const { a, b, c, m, n, k, transA, transB, accumulate } = gemmArgs
    if (m === 0 || n === 0) return
    // A heap array (see `allocateKernelArray`) is read and written in place; a C that overlaps A or B is not.
    const inPlaceC = layout.heap.holds(c) && !overlaps(c, a, m * n, m * k) && !overlaps(c, b, m * n, k * n)
    const [aAt, bAt, cAt] = layout.place([a, b, inPlaceC ? c : new Float32Array(0)], [m * k, k * n, m * n])
    // NOTE: copying in is a memcpy (~5–10 GB/s), small beside the arithmetic for all but vector products.
    const memory = new Float32Array(wasm.memory.buffer)
    if (!layout.heap.holds(a)) memory.set(a.length === m * k ? a : a.subarray(0, m * k), aAt / 4)
    if (!layout.heap.holds(b)) memory.set(b.length === k * n ? b : b.subarray(0, k * n), bAt / 4)
    const out = c.length === m * n ? c : c.subarray(0, m * n)
    if (accumulate && !inPlaceC) memory.set(out, cAt / 4)
    const index = sparse ? indexAddress(gemmArgs.index, a, b) : 0
    const operands: GemmOperands = [aAt, transA ? m : k, bAt, transB ? k : n, cAt, n, m, n, k, +transA, +transB, +accumulate, +sparse, index]
    const skipsZeros = threads > 1 && sparse && wasm.exports.sparsePath(aAt, transA ? m : k, bAt, transB ? k : n, m, n, k, +transA, +transB, index) !== 0
    const job = plan(m, n, k, threads, skipsZeros)
    const helpers = job ? pool.available(threads - 1) : 0
    const build = fused ? 0 : builds.length - 1
    if (job && helpers > 0) pool.run({ ...job, operands, build }, helpers)
    else builds[build].exports.gemm(...operands, layout.workspaces[0])
    if (!inPlaceC) out.set(memory.subarray(cAt / 4, cAt / 4 + m * n))
  }
}

/** Chunks per shared memory pass: enough that a thread slowed by another process hands its share to the others. */
const PASS_CHUNKS = 8

/**
 * Runs a memory pass of `entry` as a job block (the next chunk, the number of chunks, the pass, its arguments: see
 * pass-job.as.ts) with the helpers free now (up to the thread count); false when there are none, or one chunk.
 */
function sharePass(pool: HelperPool, entry: JobEntry): SharePass {
  return (pass, total, args) => {
    const helpers = threads > 1 && total >= 2 ? pool.available(threads - 1) : 0
    if (helpers > 0) pool.runBlock([0, Math.min(PASS_CHUNKS, total), pass, ...args], entry, 0, helpers)
    return helpers > 0
  }
}

/** Whether the first `length` floats of `x` share memory with the first `otherLength` of `other`. */
function overlaps(x: Float32Array, other: Float32Array, length: number, otherLength: number): boolean {
  if (x.buffer !== other.buffer) return false
  return x.byteOffset < other.byteOffset + otherLength * 4 && other.byteOffset < x.byteOffset + length * 4
}

const wasm = loadKernelModule()
const layout = wasm && new Layout(wasm)
/** The kernel builds a GEMM runs with: the fused one first where the runtime has it, then the plain one. */
const builds: readonly KernelBuild[] = wasm ? (wasm.fused ? [wasm, wasm.plain] : [wasm]) : []
const pool = wasm && layout && new HelperPool(builds, wasm.memory, layout.job, layout.workspaces)
let threads = 1
let sparse = true
let fused = wasm?.fused ?? false

/** The WebAssembly SIMD GEMM (blocked, packed, 4×8 register tiles); null where the runtime lacks SIMD. */
export const gemmWasm: Gemm | null = wasm && layout && pool ? createGemm(wasm, layout, pool) : null

/** Finds where a mostly-zero matrix's nonzeros are, for the GEMMs that follow; null where WebAssembly SIMD is missing. */
export const indexNonzerosWasm: IndexNonzeros | null = wasm && layout ? createIndexNonzeros(wasm, layout) : null

/** The batch gather on WebAssembly SIMD; null where the runtime lacks it. */
export const gatherUnitWasm: GatherUnit | null = wasm && layout ? createGatherUnit(wasm, layout) : null

/** Batch norm's forward and backward passes on WebAssembly SIMD; null where the runtime lacks it. */
export const batchNormWasm = wasm && layout && pool ? createBatchNorm(wasm, layout, sharePass(pool, 'batchNormChunks')) : null

/** The Adam update on WebAssembly SIMD; null where the runtime lacks it. */
export const adamStepWasm = wasm && layout && pool ? createAdamStep(wasm, layout, sharePass(pool, 'adamChunks')) : null

/** The finiteness check on WebAssembly SIMD; null where the runtime lacks it. */
export const allFiniteWasm = wasm && layout ? createAllFinite(wasm, layout) : null

/** The conv path's memory passes on WebAssembly SIMD; null where the runtime lacks it. */
export const convKernelsWasm: ConvKernels | null = wasm && layout && pool ? createConvKernels(wasm, layout, sharePass(pool, 'convChunks')) : null

/** Reused arrays for an op's intermediates, in the kernels' memory where WebAssembly runs (see `ScratchArrays`). */
export const scratchArrays = new ScratchArrays(wasm?.memory ?? null, layout?.heap ?? null)

/** Arrays an op keeps from one call to a later one, in the kernels' memory where WebAssembly runs (see `LentArrays`). */
export const lentArrays = new LentArrays(wasm?.memory ?? null, layout?.heap ?? null)

/**
 * A zeroed Float32Array in the kernels' own memory, which they read and write without copying: for large
 * operands used more than once (a batch's inputs). An ordinary array where WebAssembly is missing or too many
 * are alive; either kind behaves the same everywhere else.
 */
export function allocateKernelArray(length: number): Float32Array {
  return layout?.heap.allocate(length) ?? new Float32Array(length)
}

/** A copy of `values` in the kernels' memory (see `allocateKernelArray`), for arrays the kernels read often. */
export function kernelCopy(values: Float32Array): Float32Array {
  // Not zeroed first: every value is written at once.
  const copy = layout?.heap.allocate(values.length, false) ?? new Float32Array(values.length)
  copy.set(values)
  return copy
}

/**
 * A copy of `bytes` in the kernels' memory, which the gather reads in place (rows of a dataset's pixels): the
 * copy is made now, so later changes to `bytes` do not reach it. `bytes` itself where the copy cannot be made.
 */
export function kernelBytes(bytes: Uint8Array): Uint8Array {
  const copy = layout?.heap.allocateBytes(bytes.length)
  if (!copy) return bytes
  copy.set(bytes)
  return copy
}

/**
 * How many threads one large kernel call (a GEMM, a conv or batch norm pass, an Adam update) may use, 1 (the
 * default) to 8; helper threads start now and join in once running. Results are bit-identical for every count:
 * each value is computed by the same operations in the same order.
 */
export function setKernelThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_THREADS) {
    throw new RangeError(`setKernelThreads: expected an integer from 1 to ${MAX_THREADS}, got ${count}`)
  }
  threads = count
  pool?.available(count - 1)
}

/** The thread count `setKernelThreads` set. */
export function kernelThreads(): number {
  return threads
}

/**
 * Whether a GEMM may skip the zeros of an operand that is mostly zeros (on by default). C is the same either
 * way, bit for bit, while the other operand is finite; off, every product takes the packed kernel (tests and
 * the benchmark compare the two).
 */
export function setSparseGemm(enabled: boolean): void {
  sparse = enabled
}

/**
 * Whether a GEMM multiply-adds fused (one rounding, relaxed SIMD's FMA; on by default where the runtime has it)
 * or as a multiply and an add. Each way gives the same bits run to run and for every thread count on one
 * machine; the two differ from each other in the last bits. False where the runtime lacks relaxed SIMD.
 */
export function setFusedGemm(enabled: boolean): void {
  fused = enabled && builds.length > 1
}

/** Whether GEMMs multiply-add fused now (see `setFusedGemm`). */
export function fusedGemm(): boolean {
  return fused
}

/** Resolves once the helper threads `setKernelThreads` asked for are running (they start in ~50 ms). */
export async function kernelThreadsReady(timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (pool && pool.available(threads - 1) < threads - 1) {
    if (Date.now() > deadline) throw new Error(`gemm: ${threads - 1} helper threads did not start within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
