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

/** How many leading values of an operand `mostlyZeros` looks at, and the share of zeros that makes it mostly zeros. */
const ZERO_SAMPLE = 4096
const ZERO_SHARE = 0.7

/**
 * Whether the first values of an operand are mostly exact zeros (a batch of digits: four pixels in five). It reads
 * the values only — never where they live — so the same data takes the same route wherever it is.
 */
export function mostlyZeros(x: Float32Array, length: number): boolean {
  const sample = Math.min(length, ZERO_SAMPLE)
  let zeros = 0
  for (let i = 0; i < sample; i++) if (x[i] === 0) zeros++
  return sample > 0 && zeros >= ZERO_SHARE * sample
}

/**
 * Whether a product runs natively: at least NATIVE_MIN_MACS multiply-adds and NATIVE_MIN_DEPTH terms per element,
 * and neither operand mostly zeros — WebAssembly skips those zeros with the dense sum's bits (simple_net trained in
 * 1.9 s of CPU that way, 3.9 s with its pixel products on MLAS). It depends on sizes and values, never on timing
 * or on where an array lives: the same run takes the same path every time, so the same bits.
 */
export function runsNatively({ a, b, m, n, k }: GemmArgs): boolean {
  return m * n * k >= NATIVE_MIN_MACS && k >= NATIVE_MIN_DEPTH && !mostlyZeros(a, m * k) && !mostlyZeros(b, k * n)
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
