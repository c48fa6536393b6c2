import fc from 'fast-check'
import { afterEach, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { allocateKernelArray, gemmWasm, indexNonzerosWasm, setSparseGemm, type GemmArgs } from '../../src/main/engine/kernels'
import { kernelThreadsReady, setKernelThreads } from '../../src/main/engine/kernels/wasm'
import { Random } from '../../src/main/engine/random'
import { gemmBuilds, useGemmBuild } from '../helpers/gemm-builds'
import { describeProvider } from '../helpers/providers'
import type { Case } from '../helpers/gemm-bound'

const onWasm = describeProvider('wasm')


/** Values that are 0 with probability 1 − density, else normal. */
function sparseArray(size: number, density: number, random: Random): Float32Array {
  return Float32Array.from({ length: size }, () => (random.uniform() < density ? random.normal() : 0))
}

/** Operands where A, B or both are mostly zeros. */
function operands(c: Case, seed: number, densities: readonly [number, number]): GemmArgs {
  const random = new Random(seed)
  return { ...c, a: sparseArray(c.m * c.k, densities[0], random), b: sparseArray(c.k * c.n, densities[1], random), c: sparseArray(c.m * c.n, 1, random) }
}

function run(args: GemmArgs, sparse: boolean): Int32Array {
  setSparseGemm(sparse)
  const c = args.c.slice()
  gemmWasm!({ ...args, c })
  return new Int32Array(c.buffer)
}

/** The bits of C with the zero-skipping paths and with the packed kernel alone. */
function bothWays(args: GemmArgs): [Int32Array, Int32Array] {
  return [run(args, true), run(args, false)]
}

function variants(m: number, n: number, k: number): Case[] {
  return [false, true].flatMap((transA) =>
    [false, true].flatMap((transB) => [false, true].map((accumulate) => ({ m, n, k, transA, transB, accumulate }))),
  )
}

onWasm.each(gemmBuilds)('a GEMM ($build) with a mostly-zero operand', ({ fused }) => {
  useGemmBuild(fused)
  afterEach(() => {
    setSparseGemm(true)
    setKernelThreads(1)
  })

  // Around the 32-wide passes, the 256-step blocks (each summed from zero, then added), the 8192-column passes of
  // the column-sparse path, and rows whose length is not a multiple of 4 or 16.
  const shapes: [number, number, number][] = [
    [2, 2, 2], [5, 7, 3], [33, 31, 17], [37, 65, 300], [64, 30, 784], [30, 784, 64], [4, 9000, 21], [13, 33, 517],
  ]
  it.each(shapes.flatMap(([m, n, k]) => variants(m, n, k)))('gives the packed kernel’s bits: m $m, n $n, k $k, transA $transA, transB $transB, accumulate $accumulate', (c) => {
    for (const densities of [[0.2, 1], [1, 0.2], [0.1, 0.3]] as const) {
      const [sparse, dense] = bothWays(operands(c, c.m * 31 + c.n * 7 + c.k, densities))
      expect(sparse).toEqual(dense)
    }
  })

  it('gives the same bits on random shapes and densities', () => {
    const caseArb = fc.record({
      m: fc.integer({ min: 2, max: 50 }),
      n: fc.integer({ min: 2, max: 50 }),
      k: fc.integer({ min: 1, max: 600 }),
      transA: fc.boolean(),
      transB: fc.boolean(),
      accumulate: fc.boolean(),
    })
    const density = fc.double({ min: 0, max: 1, noNaN: true })
    fc.assert(fc.property(caseArb, density, density, fc.nat(), (c, da, db, seed) => {
      const [sparse, dense] = bothWays(operands(c, seed, [da, db]))
      expect(sparse).toEqual(dense)
    }), { numRuns: 150 })
  })

  // A batch of 1024 makes these products large enough to be split among threads even counting only the
  // multiply-adds they do (a fifth).
  it('gives the same bits on the chapter’s products of real digits, on one thread and on two', async () => {
    const { train } = loadBuiltinDataset('mnist-sample')
    const rows = 1024
    const x = Float32Array.from(train.pixels.subarray(0, rows * 784), (v) => v / 255)
    const random = new Random(1)
    const w = Float32Array.from({ length: 30 * 784 }, () => random.normal())
    const g = Float32Array.from({ length: rows * 30 }, () => random.normal())
    const products: GemmArgs[] = [
      { a: x, b: w, c: new Float32Array(rows * 30), m: rows, n: 30, k: 784, transA: false, transB: true, accumulate: false },
      { a: g, b: x, c: new Float32Array(30 * 784), m: 30, n: 784, k: rows, transA: true, transB: false, accumulate: false },
    ]
    const expected = products.map((args) => run(args, false))
    products.forEach((args, i) => expect(run(args, true)).toEqual(expected[i]))
    setKernelThreads(2)
    await kernelThreadsReady()
    products.forEach((args, i) => expect(run(args, true)).toEqual(expected[i]))
  })

  it('gives the same bits with an index of the sparse operand’s nonzeros, and ignores one of another array', async () => {
    const random = new Random(8)
    const [rows, cols] = [300, 784]
    const x = allocateKernelArray(rows * cols)
    x.set(sparseArray(rows * cols, 0.2, random))
    const index = indexNonzerosWasm!(x, rows, cols)!
    expect(index).not.toBeNull()
    const w = sparseArray(30 * cols, 1, random)
    const g = sparseArray(rows * 30, 1, random)
    const other = sparseArray(rows * cols, 0.2, random)
    const products: GemmArgs[] = [
      { a: x, b: w, c: new Float32Array(rows * 30), m: rows, n: 30, k: cols, transA: false, transB: true, accumulate: false },
      { a: g, b: x, c: new Float32Array(30 * cols), m: 30, n: cols, k: rows, transA: true, transB: false, accumulate: true },
      { a: x.subarray(cols * 40), b: w, c: new Float32Array((rows - 40) * 30), m: rows - 40, n: 30, k: cols, transA: false, transB: true, accumulate: false },
      { a: other, b: w, c: new Float32Array(rows * 30), m: rows, n: 30, k: cols, transA: false, transB: true, accumulate: false },
    ]
    const expected = products.map((args) => run(args, false))
    products.forEach((args, i) => expect(run({ ...args, index }, true), `product ${i}`).toEqual(expected[i]))
    setKernelThreads(2)
    await kernelThreadsReady()
    products.forEach((args, i) => expect(run({ ...args, index }, true), `product ${i} on two threads`).toEqual(expected[i]))
    index.release()
    index.release()
    products.forEach((args, i) => expect(run({ ...args, index }, true), `product ${i} after release`).toEqual(expected[i]))
  })

  it('indexes only a large, mostly-zero matrix in the kernels’ memory', () => {
    const random = new Random(9)
    const dense = allocateKernelArray(100 * 784)
    dense.set(sparseArray(100 * 784, 0.9, random))
    const plain = sparseArray(100 * 784, 0.1, random)
    const small = allocateKernelArray(10 * 10)
    expect(indexNonzerosWasm!(dense, 100, 784)).toBeNull()
    expect(indexNonzerosWasm!(plain, 100, 784)).toBeNull()
    expect(indexNonzerosWasm!(small, 10, 10)).toBeNull()
  })

  it('carries a NaN in the sparse operand into C, as the packed kernel does', () => {
    const args = operands({ m: 8, n: 40, k: 64, transA: false, transB: false, accumulate: false }, 3, [0.1, 1])
    args.a[5 * 64 + 9] = Number.NaN
    const [sparse, dense] = bothWays(args)
    expect(sparse).toEqual(dense)
    expect(Number.isNaN(new Float32Array(sparse.buffer)[5 * 40])).toBe(true)
  })
})
