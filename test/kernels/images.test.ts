import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allocateKernelArray, gatherUnitReference, gatherUnitWasm, gemmWasm, kernelBytes, type GemmArgs } from '../../src/main/engine/kernels'
import { Random } from '../../src/main/engine/random'
import { describeProvider } from '../helpers/providers'

const onWasm = describeProvider('wasm')

const bits = (values: Float32Array): Int32Array => new Int32Array(values.slice().buffer)

describe('gathering a batch of images as floats', () => {
  it('turns every byte value v into v / 255 exactly as JavaScript stores it in a Float32Array', () => {
    const src = Uint8Array.from({ length: 256 }, (_, v) => v)
    const expected = Float32Array.from(src, (v) => v / 255)
    const reference = new Float32Array(256)
    gatherUnitReference(src, [0], 256, reference)
    expect(bits(reference)).toEqual(bits(expected))
    if (!gatherUnitWasm) return
    for (const out of [new Float32Array(256), allocateKernelArray(256)]) {
      gatherUnitWasm(src, [0], 256, out)
      expect(bits(out)).toEqual(bits(expected))
    }
  })

  it.runIf(gatherUnitWasm !== null)('takes the rows asked for, in order, for any row length, into any array', () => {
    const arb = fc.record({
      rowLength: fc.integer({ min: 1, max: 100 }),
      count: fc.integer({ min: 1, max: 20 }),
      rows: fc.array(fc.nat(), { minLength: 0, maxLength: 12 }),
      seed: fc.nat(),
    })
    fc.assert(fc.property(arb, ({ rowLength, count, rows, seed }) => {
      const random = new Random(seed)
      const src = Uint8Array.from({ length: count * rowLength }, () => Math.floor(random.uniform() * 256))
      const picked = rows.map((r) => r % count)
      const expected = new Float32Array(picked.length * rowLength)
      gatherUnitReference(src, picked, rowLength, expected)
      // every pairing of a source and an output in ordinary memory or in the kernels'
      for (const source of [src, kernelBytes(src)]) {
        const plain = new Float32Array(picked.length * rowLength)
        const inKernelMemory = allocateKernelArray(picked.length * rowLength)
        gatherUnitWasm!(source, Int32Array.from(picked), rowLength, plain)
        gatherUnitWasm!(source, picked, rowLength, inKernelMemory)
        expect(bits(plain)).toEqual(bits(expected))
        expect(bits(inKernelMemory)).toEqual(bits(expected))
      }
    }), { numRuns: 100 })
  })
})

onWasm('arrays in the kernels’ memory', () => {
  it('hold a copy of bytes made when asked, which later changes to the bytes do not reach', () => {
    const bytes = Uint8Array.from([1, 2, 3])
    const copy = kernelBytes(bytes)
    bytes[0] = 9
    expect(Array.from(copy)).toEqual([1, 2, 3])
  })

  it('start zeroed and behave as any Float32Array', () => {
    const values = allocateKernelArray(1000)
    expect(values).toBeInstanceOf(Float32Array)
    expect(values.every((v) => v === 0)).toBe(true)
    values[999] = 2.5
    expect(Array.from(values.subarray(998))).toEqual([0, 2.5])
  })

  it('are read and written in place by the GEMM, with the bits of ordinary arrays', () => {
    const random = new Random(4)
    const [m, n, k] = [37, 29, 300]
    const fill = (size: number): Float32Array => Float32Array.from({ length: size }, () => random.normal())
    const [a, b, c] = [fill(m * k), fill(k * n), fill(m * n)]
    const inKernel = (values: Float32Array): Float32Array => {
      const copy = allocateKernelArray(values.length)
      copy.set(values)
      return copy
    }
    for (const accumulate of [false, true]) {
      const args: GemmArgs = { a, b, c: c.slice(), m, n, k, transA: false, transB: true, accumulate }
      gemmWasm!(args)
      const pinned: GemmArgs = { ...args, a: inKernel(a), b: inKernel(b), c: inKernel(c) }
      gemmWasm!(pinned)
      expect(bits(pinned.c)).toEqual(bits(args.c))
    }
  })

  it('give a correct product when C is the same memory as A', () => {
    const n = 24
    const random = new Random(5)
    const a = allocateKernelArray(n * n)
    a.set(Float32Array.from({ length: n * n }, () => random.normal()))
    const b = Float32Array.from({ length: n * n }, () => random.normal())
    const expected = new Float32Array(n * n)
    gemmWasm!({ a: a.slice(), b, c: expected, m: n, n, k: n, transA: false, transB: false, accumulate: false })
    gemmWasm!({ a, b, c: a, m: n, n, k: n, transA: false, transB: false, accumulate: false })
    expect(bits(a)).toEqual(bits(expected))
  })
})
