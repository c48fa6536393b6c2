import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { fastKernels, gemmReference, gemmWasm, kernels, referenceKernels, useKernels, type GemmArgs } from '../../src/main/engine/kernels'
import { fusedGemm, kernelThreadsReady, setFusedGemm, setKernelThreads, setSparseGemm } from '../../src/main/engine/kernels/wasm'
import { fusedAvailable, gemmBuilds, useGemmBuild } from '../helpers/gemm-builds'
import { describeCase, expectWithinBound as withinBound, operands, randomArray, run, variants, type Case } from '../helpers/gemm-bound'
import { describeProvider } from '../helpers/providers'
import { Random } from '../../src/main/engine/random'

const expectWithinBound = (args: GemmArgs): number => withinBound(gemmWasm!, args)
const onWasm = describeProvider('wasm')

const hasSimd = gemmWasm !== null

onWasm.each(gemmBuilds)('the WebAssembly GEMM ($build) equals the reference', ({ fused }) => {
  useGemmBuild(fused)

  // Sizes around the 4×8 tile, past the 128-row, 256-step and 2048-column cache blocks, and the vector paths.
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 1, 7], [1, 9, 5], [9, 1, 5], [2, 2, 2], [3, 5, 7], [4, 8, 16], [5, 9, 17],
    [7, 3, 1], [13, 11, 300], [31, 33, 257], [131, 17, 64], [3, 2053, 9], [67, 45, 513],
  ]
  it.each(shapes.flatMap(([m, n, k]) => variants(m, n, k)))('m $m, n $n, k $k, transA $transA, transB $transB, accumulate $accumulate', (c) => {
    expectWithinBound(operands(c, c.m * 7919 + c.n * 31 + c.k))
  })

  it.each(variants(3, 4, 0))('k = 0 gives zeros, or keeps C when accumulating (transA $transA, transB $transB, accumulate $accumulate)', (c) => {
    const args = operands(c, 5)
    expect(run(gemmWasm!, args)).toEqual(c.accumulate ? args.c : new Float32Array(c.m * c.n))
  })

  it.each([
    ['simple_net forward (x·W)', 256, 30, 784, false, false],
    ['simple_net forward (linear, x·Wᵀ)', 256, 30, 784, false, true],
    ['simple_net backward, gradient of W (xᵀ·G)', 784, 30, 256, true, false],
    ['simple_net backward, gradient of W in linear (Gᵀ·x)', 30, 784, 256, true, false],
    ['simple_net backward, gradient of x (G·Wᵀ)', 256, 784, 30, false, true],
    ['linear model forward', 256, 1, 784, false, false],
    ['linear model backward, gradient of W (Gᵀ·x)', 1, 784, 256, true, false],
  ] as const)('on the chapter’s shape: %s', (_, m, n, k, transA, transB) => {
    const worst = expectWithinBound(operands({ m, n, k, transA, transB, accumulate: false }, 42))
    // The proven bound grows with k; the observed error stays within 1e-5 of S.
    expect(worst).toBeLessThanOrEqual(1e-5)
  })

  it('agrees on random shapes, transposes and accumulation', () => {
    const caseArb = fc.record({
      m: fc.integer({ min: 1, max: 40 }),
      n: fc.integer({ min: 1, max: 40 }),
      k: fc.integer({ min: 0, max: 300 }),
      transA: fc.boolean(),
      transB: fc.boolean(),
      accumulate: fc.boolean(),
    })
    fc.assert(fc.property(caseArb, fc.nat(), (c, seed) => void expectWithinBound(operands(c, seed))), { numRuns: 200 })
  })

  it('reads operands that are views into larger buffers', () => {
    const random = new Random(3)
    const [m, n, k] = [6, 10, 12]
    const a = randomArray(m * k + 5, random).subarray(5)
    const b = randomArray(k * n + 3, random).subarray(3)
    const c = new Float32Array(m * n + 7).subarray(7)
    expectWithinBound({ a, b, c, m, n, k, transA: false, transB: false, accumulate: false })
  })

  it('gives the same bits for the same inputs, before and after a larger call grows its memory', () => {
    const args = operands({ m: 37, n: 45, k: 300, transA: false, transB: true, accumulate: true }, 9)
    const first = run(gemmWasm!, args)
    run(gemmWasm!, operands({ m: 300, n: 300, k: 300, transA: false, transB: false, accumulate: false }, 10))
    expect(run(gemmWasm!, args)).toEqual(first)
  })

  it('refuses operands too short for the shape', () => {
    const args = { ...operands({ m: 2, n: 2, k: 2, transA: false, transB: false, accumulate: false }, 1), a: new Float32Array(3) }
    expect(() => gemmWasm!(args)).toThrow(/too short/)
  })
})

onWasm.each(gemmBuilds)('the WebAssembly GEMM ($build) on several threads', ({ fused }) => {
  useGemmBuild(fused)
  afterEach(() => setKernelThreads(1))

  // Products large enough to be split (≥ 2²¹ multiply-adds): by rows when m ≥ n, else by columns; 17 rows
  // or columns make two chunks of 8 and 9 (never a 1-wide sliver, which would take the vector path).
  const cases: Case[] = [
    ...variants(203, 150, 101), ...variants(61, 333, 170),
    { m: 17, n: 16, k: 7800, transA: false, transB: false, accumulate: false },
    { m: 16, n: 17, k: 7800, transA: true, transB: true, accumulate: true },
  ]

  it.each([2, 3])('gives the bits one thread gives, on %i threads', async (threads) => {
    const expected = cases.map((c, i) => run(gemmWasm!, operands(c, i)))
    setKernelThreads(threads)
    await kernelThreadsReady()
    cases.forEach((c, i) => expect(run(gemmWasm!, operands(c, i)), describeCase(c)).toEqual(expected[i]))
  })

  it('refuses a thread count it cannot use', () => {
    expect(() => setKernelThreads(0)).toThrow(RangeError)
    expect(() => setKernelThreads(1.5)).toThrow(RangeError)
  })
})

describe('kernel selection', () => {
  afterEach(() => useKernels(fastKernels))

  it('the WebAssembly set holds the WebAssembly GEMM where SIMD runs, and the reference stays one call away', () => {
    expect(fastKernels.gemm).toBe(hasSimd ? gemmWasm : gemmReference)
    useKernels(referenceKernels)
    expect(kernels.gemm).toBe(gemmReference)
  })
})

onWasm('the fused build', () => {
  afterEach(() => {
    setFusedGemm(true)
    setKernelThreads(1)
    setSparseGemm(true)
  })

  it('runs by default here: Node 20 gets relaxed SIMD turned on, as Electron has it, so both train to the same bits', () => {
    expect(fusedGemm()).toBe(true)
  })

  // C = Σ_p a_p·b_p where the second product is exact only before rounding: x² = 1 + 2⁻¹¹ + 2⁻²⁴ for
  // x = 1 + 2⁻¹², and the first step leaves −(1 + 2⁻¹¹); the other steps add 1·0. One rounding keeps 2⁻²⁴, two
  // round it away. The product is dense and large, so it is split among threads, whose helpers run the same build.
  it.runIf(fusedAvailable).each([1, 2])('rounds each multiply-add once, where the plain build rounds twice, on %i threads', async (threads) => {
    setKernelThreads(threads)
    await kernelThreadsReady()
    setSparseGemm(false)
    const [m, n, k] = [256, 256, 64]
    const x = Math.fround(1 + 2 ** -12)
    const a = Float32Array.from({ length: m * k }, (_, i) => [-(1 + 2 ** -11), x][i % k] ?? 1)
    const b = Float32Array.from({ length: k * n }, (_, i) => [1, x][Math.floor(i / n)] ?? 0)
    const args: GemmArgs = { a, b, c: new Float32Array(m * n), m, n, k, transA: false, transB: false, accumulate: false }
    // Every element of C is one value (sets keep a failure's report short).
    expect(new Set(run(gemmWasm!, args))).toEqual(new Set([2 ** -24]))
    setFusedGemm(false)
    expect(fusedGemm()).toBe(false)
    expect(new Set(run(gemmWasm!, args))).toEqual(new Set([0]))
  })
})
