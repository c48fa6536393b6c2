import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { allocateKernelArray, convKernelsWasm, giveBackArray, lendArray, MAX_LENT_BYTES, referenceKernels, ScratchSlot, type ConvGeometry } from '../../src/main/engine/kernels'
import { kernelThreadsReady, setKernelThreads } from '../../src/main/engine/kernels/wasm'
import { randn } from '../../src/main/engine/creation'
import { conv2d, convGeometry } from '../../src/main/engine/ops/conv'
import { Random } from '../../src/main/engine/random'
import { describeProvider } from '../helpers/providers'

const onWasm = describeProvider('wasm')

const bits = (values: Float32Array): Int32Array => new Int32Array(values.slice().buffer)

/** The first index where two arrays' bits differ, −1 if none (toEqual on millions of values takes minutes). */
function firstDifference(actual: Float32Array, expected: Float32Array): number {
  const [a, b] = [bits(actual), bits(expected)]
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`)
  return a.findIndex((value, i) => value !== b[i])
}

function randomArray(length: number, random: Random): Float32Array {
  return Float32Array.from({ length }, () => random.normal())
}

/** An array with `values` in ordinary memory, and one in the kernels' memory (used in place, not copied). */
function bothMemories(values: Float32Array): Float32Array[] {
  const inKernels = allocateKernelArray(values.length)
  inKernels.set(values)
  return [values.slice(), inKernels]
}

const geometry = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  // channel counts that are not multiples of 4
  channels: fc.integer({ min: 1, max: 7 }),
  height: fc.integer({ min: 1, max: 13 }),
  width: fc.integer({ min: 1, max: 13 }),
  kernel: fc.constantFrom(1, 2, 3, 7),
  stride: fc.constantFrom(1, 2, 3),
  padding: fc.constantFrom(0, 1, 3),
}).filter((g) => g.height + 2 * g.padding >= g.kernel && g.width + 2 * g.padding >= g.kernel)

function geometryOf(g: { batch: number; channels: number; height: number; width: number; kernel: number; stride: number; padding: number }): ConvGeometry {
  return convGeometry('conv', [g.batch, g.channels, g.height, g.width], g.kernel, g.stride, g.padding)
}

const columnsOf = (g: ConvGeometry): number => g.channels * g.kernelH * g.kernelW * g.batch * g.outH * g.outW

onWasm('the conv path’s WebAssembly kernels', () => {
  const fast = convKernelsWasm!

  it('unfold windows into columns as the reference does, bit for bit (strides 1–3, padding 0–3, 1×1 to 7×7)', () => {
    fc.assert(fc.property(geometry, fc.nat(), (shape, seed) => {
      const g = geometryOf(shape)
      const x = randomArray(g.batch * g.channels * g.height * g.width, new Random(seed))
      const expected = randomArray(columnsOf(g), new Random(seed + 1))
      referenceKernels.im2col(x, g, expected)
      for (const input of bothMemories(x)) {
        // stale values in the output must all be overwritten, padding included
        for (const cols of bothMemories(randomArray(columnsOf(g), new Random(seed + 2)))) {
          fast.im2col(input, g, cols)
          expect(bits(cols)).toEqual(bits(expected))
        }
      }
    }), { numRuns: 150 })
  })

  it('fold columns back, adding onto what the gradient holds, in the reference’s order', () => {
    fc.assert(fc.property(geometry, fc.nat(), (shape, seed) => {
      const g = geometryOf(shape)
      const cols = randomArray(columnsOf(g), new Random(seed))
      const start = randomArray(g.batch * g.channels * g.height * g.width, new Random(seed + 1))
      const expected = start.slice()
      referenceKernels.col2im(cols, g, expected)
      for (const input of bothMemories(cols)) {
        for (const dx of bothMemories(start)) {
          fast.col2im(input, g, dx)
          expect(bits(dx)).toEqual(bits(expected))
        }
      }
    }), { numRuns: 150 })
  })

  it('swap the two leading axes, adding a value per row of the first where given', () => {
    const arb = fc.record({ outer: fc.integer({ min: 1, max: 9 }), inner: fc.integer({ min: 1, max: 9 }), plane: fc.integer({ min: 1, max: 30 }), withAdd: fc.boolean(), seed: fc.nat() })
    fc.assert(fc.property(arb, ({ outer, inner, plane, withAdd, seed }) => {
      const random = new Random(seed)
      const src = randomArray(outer * inner * plane, random)
      const add = withAdd ? randomArray(outer, random) : null
      const expected = new Float32Array(src.length)
      referenceKernels.swapAxes(src, outer, inner, plane, expected, add)
      for (const input of bothMemories(src)) {
        for (const out of bothMemories(new Float32Array(src.length))) {
          fast.swapAxes(input, outer, inner, plane, out, add)
          expect(bits(out)).toEqual(bits(expected))
        }
      }
    }), { numRuns: 100 })
  })

  it('sum rows in float64 as the reference does', () => {
    const random = new Random(5)
    for (const [rows, columns] of [[1, 1], [3, 1000], [17, 33], [64, 2048]]) {
      const values = randomArray(rows * columns, random)
      const expected = new Float32Array(rows)
      referenceKernels.sumRows(values, rows, columns, expected)
      for (const input of bothMemories(values)) {
        const out = new Float32Array(rows)
        fast.sumRows(input, rows, columns, out)
        expect(bits(out)).toEqual(bits(expected))
      }
    }
  })

  it('refuse arrays too short for the geometry, naming the array', () => {
    const g = convGeometry('conv', [2, 3, 5, 5], 3, 1, 1)
    const x = new Float32Array(2 * 3 * 25)
    expect(() => fast.im2col(x, g, new Float32Array(columnsOf(g) - 1))).toThrow(/im2col: cols holds/)
    expect(() => fast.col2im(new Float32Array(columnsOf(g)), g, x.subarray(1))).toThrow(/col2im: dx holds/)
    expect(() => fast.swapAxes(x, 2, 3, 25, new Float32Array(10), null)).toThrow(/swapAxes: out holds/)
  })
})

onWasm('the conv passes on helper threads', () => {
  afterAll(() => setKernelThreads(1))

  // Large enough to be shared (a quarter million values written or more), channels not a multiple of the chunks.
  const shapes = [convGeometry('conv', [8, 21, 30, 30], 3, 1, 1), convGeometry('conv', [16, 13, 28, 28], 7, 2, 3)]

  function runAll(g: ConvGeometry, seed: number): Float32Array[] {
    const random = new Random(seed)
    const x = randomArray(g.batch * g.channels * g.height * g.width, random)
    const cols = new Float32Array(columnsOf(g))
    convKernelsWasm!.im2col(x, g, cols)
    const dx = randomArray(x.length, random)
    convKernelsWasm!.col2im(cols, g, dx)
    const swapped = new Float32Array(cols.length)
    const rows = g.channels * g.kernelH * g.kernelW
    convKernelsWasm!.swapAxes(cols, rows, g.batch, g.outH * g.outW, swapped, randomArray(rows, random))
    return [cols, dx, swapped]
  }

  it.each([2, 3])('give the bits one thread gives, on %i threads', async (threads) => {
    const expected = shapes.map((g, i) => runAll(g, i))
    setKernelThreads(threads)
    await kernelThreadsReady()
    shapes.forEach((g, i) => runAll(g, i).forEach((values, k) => expect(firstDifference(values, expected[i][k])).toBe(-1)))
  })
})

describe('scratch slots', () => {
  const slot = new ScratchSlot('test slot')
  const other = new ScratchSlot('other test slot')

  it('hand back the same memory call after call, grown when a longer array is asked for', () => {
    slot.use(10, (first) => { first[3] = 7 })
    expect(slot.use(5, (again) => again[3])).toBe(7)
    expect(other.use(10, (array) => array[3])).not.toBe(7)
    slot.use(1000, (grown) => {
      expect(grown).toHaveLength(1000)
      grown[999] = 1
    })
    expect(slot.use(1000, (again) => again[999])).toBe(1)
  })

  it('refuse a second user while one holds the array, and take it again once released (or thrown out of)', () => {
    expect(() => slot.use(4, () => slot.hold(4))).toThrow(/scratch array "test slot" is in use/)
    expect(() => slot.use(4, () => { throw new Error('a kernel failed') })).toThrow('a kernel failed')
    expect(slot.use(4, (array) => array.length)).toBe(4)
    expect(() => new ScratchSlot('test slot')).toThrow(/exists already/)
  })
})

describe('lent arrays', () => {
  it('lend memory until given back, then lend the same memory again', () => {
    const owner = {}
    const first = lendArray(300, owner)!
    first.fill(4)
    const other = lendArray(300, owner)!
    other.fill(5)
    expect(first.every((v) => v === 4)).toBe(true)
    giveBackArray(first)
    const again = lendArray(300, owner)!
    expect(again).toHaveLength(300)
    if (convKernelsWasm) expect(again.byteOffset).toBe(first.byteOffset)
    giveBackArray(again)
    giveBackArray(other)
    giveBackArray(new Float32Array(3))
  })

  it.runIf(convKernelsWasm)('lend no more than MAX_LENT_BYTES at once, and again once loans are given back', () => {
    const owner = {}
    const quarter = MAX_LENT_BYTES / 4 / 4
    const loans = [0, 1, 2, 3].map(() => lendArray(quarter, owner))
    expect(loans.every((loan) => loan !== null)).toBe(true)
    expect(lendArray(16, owner)).toBeNull()
    giveBackArray(loans[0]!)
    const again = lendArray(quarter, owner)
    expect(again).not.toBeNull()
    for (const loan of [again, ...loans.slice(1)]) giveBackArray(loan!)
  })

  it('a conv over the cap computes its columns again in the backward, to the same gradients', () => {
    const x = randn([4, 3, 9, 9], new Random(1)).requiresGrad_()
    const weight = randn([5, 3, 3, 3], new Random(2)).requiresGrad_()
    const gradients = (): Float32Array[] => {
      x.grad = null
      weight.grad = null
      const y = conv2d(x, weight, null, { padding: 1 })
      y.mul(y).sum().backward()
      return [x.grad!.data.slice(), weight.grad!.data.slice()]
    }
    const kept = gradients()
    const owner = {}
    const hog = convKernelsWasm ? lendArray(MAX_LENT_BYTES / 4, owner) : null
    if (convKernelsWasm) expect(lendArray(1, owner)).toBeNull()
    expect(gradients()).toEqual(kept)
    if (hog) giveBackArray(hog)
  })
})
