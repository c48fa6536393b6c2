import type { Gemm, GemmArgs } from '../matmul'
import { gemmModel } from './models'
import { SessionCache } from './sessions'

/**
 * Products with fewer multiply-adds than this stay on WebAssembly: one call into onnxruntime costs ~15–30 µs
 * (measured, see docs/BENCHMARKS.md), the time WebAssembly takes for a product of about this size.
 */
export const NATIVE_MIN_MACS = 1 << 19

/**
 * Products summing fewer terms per element of C than this stay on WebAssembly: C (and B) are copied out of the
 * kernels' shared memory and back, and with few multiply-adds per element the copies eat MLAS's lead (CPU time,
 * one thread: 144×6272·32 took 2.42 ms natively and 1.44 on WebAssembly, 576×3136·64 6.99 and 5.23, while
 * 32×6272·144 took 1.29 and 1.46, 64×2048·288 1.16 and 1.83, 1024³ 26.6 and 48.8).
 */
export const NATIVE_MIN_DEPTH = 128

/**
 * Whether a product runs natively: one of at least NATIVE_MIN_MACS multiply-adds and NATIVE_MIN_DEPTH terms per
 * element, unless it comes with a nonzero
 * index — a batch of digits in the kernels' memory, four pixels in five zero, whose zeros WebAssembly skips (simple_net
 * trained in 1.9 s of CPU that way, 3.9 s with these products on MLAS). Never timing: the same run takes the same
 * path every time, so the same bits. (The same product on a batch outside the kernels' memory, which gets no
 * index, runs natively: bits there may differ from those of the same batch inside it.)
 */
export function runsNatively({ m, n, k, index }: GemmArgs): boolean {
  return m * n * k >= NATIVE_MIN_MACS && k >= NATIVE_MIN_DEPTH && !index
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
