import type { Gemm, GemmArgs } from '../matmul'
import { BLOCK_BYTES, HelperPool, type Job } from './helpers'
import { loadGemmModule, PAGE_BYTES, type GemmModule, type GemmOperands } from './instance'

/** At most this many threads share one GEMM (this one and its helpers). */
const MAX_THREADS = 8
/** Below this many multiply-adds a product runs on one thread: waking a helper costs ~10–50 µs. */
const PARALLEL_MIN_MACS = 1 << 21
/** Chunks are a multiple of this many rows or columns (the 4×8 tile divides it), and at least this big. */
const CHUNK_QUANTUM = 8
/** Chunks per thread: enough that a thread slowed by another process hands its share to the others. */
const CHUNKS_PER_THREAD = 4

const align = (bytes: number, to: number): number => Math.ceil(bytes / to) * to

/**
 * The shared memory's layout: the job block and helpers' mailboxes, one packing workspace per thread, then
 * the operands of the current call, which grow the memory as needed (it never shrinks).
 */
class Layout {
  readonly job: number
  readonly workspaces: readonly number[]
  private readonly operands: number

  constructor(private readonly wasm: GemmModule) {
    this.job = wasm.exports.heapBase()
    const workspace = align(wasm.exports.workspaceBytes(), 64)
    const first = this.job + BLOCK_BYTES * MAX_THREADS
    this.workspaces = Array.from({ length: MAX_THREADS }, (_, i) => first + i * workspace)
    this.operands = first + MAX_THREADS * workspace
  }

  /** Byte offsets for arrays of `sizes` floats, 64-byte aligned, with the memory grown to hold them. */
  place(sizes: readonly number[]): number[] {
    let end = this.operands
    const offsets = sizes.map((size) => {
      const offset = end
      end = align(offset + size * 4, 64)
      return offset
    })
    const have = this.wasm.memory.buffer.byteLength
    if (end > have) this.wasm.memory.grow(Math.ceil((end - have) / PAGE_BYTES))
    return offsets
  }
}

/** Cuts m×n C along its longer side into chunks for `threads` threads; null when one thread should do it all. */
function plan(m: number, n: number, k: number, threads: number): Omit<Job, 'operands'> | null {
  if (threads < 2 || m * n * k < PARALLEL_MIN_MACS || Math.min(m, n) < 2) return null
  const alongRows = m >= n
  const length = alongRows ? m : n
  const chunk = Math.max(CHUNK_QUANTUM, align(Math.ceil(length / (threads * CHUNKS_PER_THREAD)), CHUNK_QUANTUM))
  // The last chunk takes the remainder, so no chunk is narrower than CHUNK_QUANTUM.
  const chunks = Math.floor(length / chunk)
  return chunks < 2 ? null : { chunks, chunk, alongRows }
}

function checkLengths({ a, b, c, m, n, k }: GemmArgs): void {
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new RangeError(`gemm: operands of lengths ${a.length}, ${b.length}, ${c.length} are too short for m=${m}, n=${n}, k=${k}`)
  }
}

function createGemm(wasm: GemmModule, layout: Layout, pool: HelperPool): Gemm {
  return (gemmArgs) => {
    checkLengths(gemmArgs)
    const { a, b, c, m, n, k, transA, transB, accumulate } = gemmArgs
    if (m === 0 || n === 0) return
    const [aAt, bAt, cAt] = layout.place([m * k, k * n, m * n])
    // NOTE: copying in is a memcpy (~5–10 GB/s), small beside the arithmetic for all but vector products.
    const memory = new Float32Array(wasm.memory.buffer)
    memory.set(a.length === m * k ? a : a.subarray(0, m * k), aAt / 4)
    memory.set(b.length === k * n ? b : b.subarray(0, k * n), bAt / 4)
    const out = c.length === m * n ? c : c.subarray(0, m * n)
    if (accumulate) memory.set(out, cAt / 4)
    const operands: GemmOperands = [aAt, transA ? m : k, bAt, transB ? k : n, cAt, n, m, n, k, +transA, +transB, +accumulate]
    const job = plan(m, n, k, threads)
    const helpers = job ? pool.available(threads - 1) : 0
    if (job && helpers > 0) pool.run(wasm.exports, { ...job, operands }, helpers)
    else wasm.exports.gemm(...operands, layout.workspaces[0])
    out.set(memory.subarray(cAt / 4, cAt / 4 + m * n))
  }
}

const wasm = loadGemmModule()
const layout = wasm && new Layout(wasm)
const pool = wasm && layout && new HelperPool(wasm.module, wasm.memory, layout.job, layout.workspaces)
let threads = 1

/** The WebAssembly SIMD GEMM (blocked, packed, 4×8 register tiles); null where the runtime lacks SIMD. */
export const gemmWasm: Gemm | null = wasm && layout && pool ? createGemm(wasm, layout, pool) : null

/**
 * How many threads one large GEMM may use, 1 (the default) to 8; helper threads start now and join in once
 * running. Results are bit-identical for every count: each element of C is summed in the same order.
 */
export function setGemmThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_THREADS) {
    throw new RangeError(`setGemmThreads: expected an integer from 1 to ${MAX_THREADS}, got ${count}`)
  }
  threads = count
  pool?.available(count - 1)
}

export function gemmThreads(): number {
  return threads
}

/** Resolves once the helper threads `setGemmThreads` asked for are running (they start in ~50 ms). */
export async function gemmThreadsReady(timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (pool && pool.available(threads - 1) < threads - 1) {
    if (Date.now() > deadline) throw new Error(`gemm: ${threads - 1} helper threads did not start within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
