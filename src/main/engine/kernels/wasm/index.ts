import type { Gemm, GemmArgs } from '../matmul'
import { HelperPool, SLOT_BYTES, type GemmCall } from './helpers'
import { loadGemmModule, PAGE_BYTES, type GemmModule } from './instance'

/** At most this many threads share one GEMM (this one and its helpers). */
const MAX_THREADS = 8
/** Below this many multiply-adds a product runs on one thread: waking a helper costs ~10–50 µs. */
const PARALLEL_MIN_MACS = 1 << 21
/** Each thread's share of the split dimension is a multiple of this (the tile's 4 rows and 8 columns divide it). */
const SPLIT_QUANTUM = 8

const align = (bytes: number, to: number): number => Math.ceil(bytes / to) * to

/**
 * The shared memory's layout: helpers' mailboxes, one packing workspace per thread, then the operands
 * of the current call, which grow the memory as needed (it never shrinks).
 */
class Layout {
  readonly mailboxes: number
  readonly workspaces: readonly number[]
  private readonly operands: number

  constructor(private readonly wasm: GemmModule) {
    const base = wasm.exports.heapBase()
    const workspace = align(wasm.exports.workspaceBytes(), 64)
    this.mailboxes = base
    const first = base + align(SLOT_BYTES * MAX_THREADS, 64)
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

/**
 * Splits one call into calls over disjoint rows (or columns) of C, one per workspace; each element of C is
 * summed in the same order as by the whole call, so the result does not depend on the number of threads.
 */
function split(call: GemmCall, workspaces: readonly number[]): GemmCall[] {
  const [a, lda, b, ldb, c, ldc, m, n, k, transA, transB, accumulate] = call
  const alongRows = m >= n
  const length = alongRows ? m : n
  const share = align(Math.ceil(length / workspaces.length), SPLIT_QUANTUM)
  const starts = Array.from({ length: Math.ceil(length / share) }, (_, i) => i * share)
  // A sliver of 1 row or column would take the vector path and sum in another order: fold it into the part before.
  if (starts.length > 1 && length - starts[starts.length - 1] < SPLIT_QUANTUM) starts.pop()
  return starts.map((start, i): GemmCall => {
    const size = (starts[i + 1] ?? length) - start
    return alongRows
      ? [a + 4 * start * (transA ? 1 : lda), lda, b, ldb, c + 4 * start * ldc, ldc, size, n, k, transA, transB, accumulate, workspaces[i]]
      : [a, lda, b + 4 * start * (transB ? ldb : 1), ldb, c + 4 * start, ldc, m, size, k, transA, transB, accumulate, workspaces[i]]
  })
}

function checkLengths({ a, b, c, m, n, k }: GemmArgs): void {
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new RangeError(`gemm: operands of lengths ${a.length}, ${b.length}, ${c.length} are too short for m=${m}, n=${n}, k=${k}`)
  }
}

function createGemm(wasm: GemmModule, pool: HelperPool, layout: Layout): Gemm {
  return (args) => {
    checkLengths(args)
    const { a, b, c, m, n, k, transA, transB, accumulate } = args
    if (m === 0 || n === 0) return
    const [aAt, bAt, cAt] = layout.place([m * k, k * n, m * n])
    // NOTE: copying in is a memcpy (~5–10 GB/s), small beside the arithmetic for all but vector products.
    const memory = new Float32Array(wasm.memory.buffer)
    memory.set(a.length === m * k ? a : a.subarray(0, m * k), aAt / 4)
    memory.set(b.length === k * n ? b : b.subarray(0, k * n), bAt / 4)
    const out = c.length === m * n ? c : c.subarray(0, m * n)
    if (accumulate) memory.set(out, cAt / 4)
    const call: GemmCall = [aAt, transA ? m : k, bAt, transB ? k : n, cAt, n, m, n, k, +transA, +transB, +accumulate, layout.workspaces[0]]
    const wanted = threads > 1 && m * n * k >= PARALLEL_MIN_MACS && Math.min(m, n) > 1 ? Math.min(threads, Math.floor(Math.max(m, n) / SPLIT_QUANTUM)) : 1
    const helpers = wanted > 1 ? pool.available(wanted - 1) : 0
    if (helpers === 0) wasm.exports.gemm(...call)
    else pool.runAll(wasm.exports, split(call, layout.workspaces.slice(0, helpers + 1)))
    out.set(memory.subarray(cAt / 4, cAt / 4 + m * n))
  }
}

const wasm = loadGemmModule()
const layout = wasm && new Layout(wasm)
const pool = wasm && layout && new HelperPool(wasm.module, wasm.memory, layout.mailboxes, MAX_THREADS - 1)
let threads = 1

/** The WebAssembly SIMD GEMM (blocked, packed, 4×8 register tiles); null where the runtime lacks SIMD. */
export const gemmWasm: Gemm | null = wasm && pool && layout ? createGemm(wasm, pool, layout) : null

/**
 * How many threads one large GEMM may use, 1 (the default) to 8; helper threads start now and are used once
 * ready. Results are bit-identical for every count: each element of C is summed in the same order.
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
