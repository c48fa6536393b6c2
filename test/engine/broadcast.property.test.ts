import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Random, Tensor, formatShape, randn } from '../../src/main/engine'
import { expectAllClose, expectShape } from '../helpers/allclose'
import { numpyBroadcast, sizeOf, unbroadcastSum, zipBroadcast } from '../helpers/naive'

/** A shape of rank 0..4 with sizes 1..4. */
const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 })

/** A shape that broadcasts to `target`: some leading axes dropped, some sizes replaced by 1. */
const broadcastsTo = (target: number[]): fc.Arbitrary<number[]> =>
  fc
    .tuple(fc.integer({ min: 0, max: target.length }), fc.array(fc.boolean(), { minLength: target.length, maxLength: target.length }))
    .map(([drop, ones]) => target.slice(drop).map((dim, i) => (ones[i + drop] ? 1 : dim)))

/** Two shapes that broadcast together, and a seed for their values. */
const compatiblePair = shapeArb.chain((target) => fc.tuple(broadcastsTo(target), broadcastsTo(target), fc.nat()))

const values = (shape: number[], seed: number): Tensor => randn(shape, new Random(seed))

const BINARY: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
  ['add', (a, b) => a.add(b), (x, y) => x + y],
  ['sub', (a, b) => a.sub(b), (x, y) => x - y],
  ['mul', (a, b) => a.mul(b), (x, y) => x * y],
  ['div', (a, b) => a.div(b), (x, y) => x / y],
  ['maximum', (a, b) => a.maximum(b), (x, y) => Math.max(x, y)],
]

describe('broadcasting follows NumPy', () => {
  it('the result shape is NumPy’s, whichever operand comes first', () => {
    fc.assert(
      fc.property(compatiblePair, ([aShape, bShape]) => {
        const expected = numpyBroadcast(aShape, bShape)!
        const [a, b] = [values(aShape, 1), values(bShape, 2)]
        expectShape(a.add(b), expected)
        expectShape(b.add(a), expected)
      }),
    )
  })

  it.each(BINARY)('%s reads each output element from the broadcast positions of its inputs', (_, op, f) => {
    fc.assert(
      fc.property(compatiblePair, ([aShape, bShape, seed]) => {
        const [a, b] = [values(aShape, seed), values(bShape, seed + 1)]
        const expected = zipBroadcast(a.data, aShape, b.data, bShape, (x, y) => Math.fround(f(x, y)))
        const out = op(a, b)
        expectShape(out, expected.shape)
        expect(Array.from(out.data)).toEqual(expected.values)
      }),
    )
  })

  it('shapes that do not broadcast are refused, naming both', () => {
    const mismatched = shapeArb
      .filter((shape) => shape.some((dim) => dim > 1))
      .chain((shape) => fc.tuple(fc.constant(shape), fc.constantFrom(...shape.flatMap((dim, axis) => (dim > 1 ? [axis] : []))), fc.integer({ min: 2, max: 5 })))
      .filter(([shape, axis, size]) => shape[axis] !== size)
    fc.assert(
      fc.property(mismatched, ([aShape, axis, size]) => {
        const bShape = aShape.map((dim, i) => (i === axis ? size : dim))
        const [a, b] = [values(aShape, 1), values(bShape, 2)]
        expect(() => a.add(b)).toThrow(`shapes ${formatShape(aShape)} and ${formatShape(bShape)} cannot be broadcast together`)
      }),
    )
  })
})

describe('the gradient of a broadcast input is summed back to its shape', () => {
  it('add: each input’s gradient has its shape and counts how often each element was used', () => {
    fc.assert(
      fc.property(compatiblePair, ([aShape, bShape, seed]) => {
        const a = values(aShape, seed).requiresGrad_()
        const b = values(bShape, seed + 1).requiresGrad_()
        const out = a.add(b)
        out.sum().backward()
        for (const x of [a, b]) {
          expectShape(x.grad!, x.shape)
          // Broadcasting repeats every element equally often: size(out) / size(x) times.
          expect(Array.from(x.grad!.data)).toEqual(new Array(x.size).fill(sizeOf(out.shape) / x.size))
        }
      }),
    )
  })

  it('add, sub, mul: a random upstream gradient is summed over exactly the positions each element fed', () => {
    fc.assert(
      fc.property(compatiblePair, ([aShape, bShape, seed]) => {
        const a = values(aShape, seed).requiresGrad_()
        const b = values(bShape, seed + 1).requiresGrad_()
        const upstream = values(numpyBroadcast(aShape, bShape)!, seed + 2)
        a.add(b).mul(upstream).sum().backward()
        a.sub(b).mul(upstream).sum().backward()
        a.mul(b).mul(upstream).sum().backward()
        // d/da = u + u + u·b and d/db = u − u + u·a, each summed over the broadcast positions.
        const perA = zipBroadcast(upstream.data, upstream.shape, b.data, bShape, (u, y) => 2 * u + u * y)
        const perB = zipBroadcast(upstream.data, upstream.shape, a.data, aShape, (u, x) => u * x)
        expectAllClose(a.grad!, unbroadcastSum(perA.values, perA.shape, aShape), undefined, 'gradient of a')
        expectAllClose(b.grad!, unbroadcastSum(perB.values, perB.shape, bShape), undefined, 'gradient of b')
      }),
    )
  })
})
