import type { Gemm, GemmArgs } from '../matmul'
import { gemmModel } from './models'
import { SessionCache } from './sessions'

/**
 * Products with fewer multiply-adds than this stay on WebAssembly: one call into onnxruntime costs ~15–30 µs
 * (measured, see docs/BENCHMARKS.md), the time WebAssembly takes for a product of about this size.
 */
export const NATIVE_MIN_MACS = 1 << 19

/**
 * Whether a product of these sizes runs natively. It depends on the sizes only — never on timing, on where the
 * operands live or on a sparsity hint — so the same product takes the same path, and gives the same bits, always.
 */
export function runsNatively({ m, n, k }: GemmArgs): boolean {
  return m * n * k >= NATIVE_MIN_MACS
}

/** The GEMM through onnxruntime's MLAS (one cached session per transpose and accumulate kind), for products `runsNatively` takes. */
export function createNativeGemm(threads: () => number): Gemm {
  const cache = new SessionCache()
  return (args) => {
    const { a, b, c, m, n, k, transA, transB, accumulate } = args
    if (a.length < m * k || b.length < k * n || c.length < m * n) {
      throw new RangeError(`gemm: operands of lengths ${a.length}, ${b.length}, ${c.length} are too short for m=${m}, n=${n}, k=${k}`)
    }
    if (m === 0 || n === 0) return
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n)
      return
    }
    const kind = { transA, transB, accumulate }
    const session = cache.get(`gemm ${+transA}${+transB}${+accumulate}`, threads(), () => gemmModel(kind))
    const feeds = {
      a: session.input('a', a, transA ? [k, m] : [m, k]),
      b: session.input('b', b, transB ? [n, k] : [k, n]),
      ...(accumulate ? { c: session.input('c', c, [m, n]) } : {}),
    }
    session.run(feeds, { y: { array: c, dims: [m, n] } })
  }
}

/** A GEMM that sends the products `runsNatively` takes to `native` and the rest to `fallback`. */
export function routedGemm(native: Gemm, fallback: Gemm): Gemm {
  return (args) => (runsNatively(args) ? native(args) : fallback(args))
}
