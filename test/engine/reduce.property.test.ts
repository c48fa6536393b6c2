import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Random, randn } from '../../src/main/engine'
import { expectAllClose, expectShape } from '../helpers/allclose'
import { ravel, reduceSum, sizeOf, unravel } from '../helpers/naive'

/** A shape of rank 0..4, a random choice of its axes (some negative, null = all), keepDim and a seed. */
const reduction = fc
  .array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axes: fc.option(fc.shuffledSubarray(shape.map((_, i) => i)).chain((axes) => fc.tuple(...axes.map((a) => fc.constantFrom(a, a - shape.length))))),
      keepDim: fc.boolean(),
      seed: fc.nat(),
    }),
  )

/** The axes a reduction touches, as non-negative numbers (null = all). */
const resolve = (axes: number[] | null, rank: number): number[] | null => (axes === null ? null : axes.map((a) => (a < 0 ? a + rank : a)))

describe('sum and mean over random axes match a naive reference', () => {
  it('sum: shape and values', () => {
    fc.assert(
      fc.property(reduction, ({ shape, axes, keepDim, seed }) => {
        const x = randn(shape, new Random(seed))
        const expected = reduceSum(x.data, shape, resolve(axes, shape.length), keepDim)
        const out = x.sum(axes ?? undefined, keepDim)
        expectShape(out, expected.shape)
        expectAllClose(out, expected.values)
      }),
    )
  })

  it('mean: shape and values', () => {
    fc.assert(
      fc.property(reduction, ({ shape, axes, keepDim, seed }) => {
        const x = randn(shape, new Random(seed))
        const expected = reduceSum(x.data, shape, resolve(axes, shape.length), keepDim)
        const count = x.size / sizeOf(expected.shape)
        const out = x.mean(axes ?? undefined, keepDim)
        expectShape(out, expected.shape)
        expectAllClose(out, expected.values.map((v) => v / count))
      }),
    )
  })

  it('the gradient of a sum is 1 and of a mean is 1/count, in the input’s shape', () => {
    fc.assert(
      fc.property(reduction, ({ shape, axes, keepDim, seed }) => {
        const x = randn(shape, new Random(seed)).requiresGrad_()
        const summed = x.sum(axes ?? undefined, keepDim)
        summed.sum().backward()
        expectShape(x.grad!, shape)
        expect(Array.from(x.grad!.data)).toEqual(new Array(x.size).fill(1))
        x.zeroGrad()
        const averaged = x.mean(axes ?? undefined, keepDim)
        averaged.sum().backward()
        expectAllClose(x.grad!, new Array(x.size).fill(summed.size / x.size))
      }),
    )
  })
})

describe('max and argmax agree with each other and with a naive scan', () => {
  const alongAxis = fc
    .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
    .chain((shape) => fc.record({ shape: fc.constant(shape), axis: fc.integer({ min: -shape.length, max: shape.length - 1 }), seed: fc.nat() }))

  it('max is the value at argmax, and nothing along the axis is larger', () => {
    fc.assert(
      fc.property(alongAxis, ({ shape, axis, seed }) => {
        const x = randn(shape, new Random(seed))
        const a = axis < 0 ? axis + shape.length : axis
        const max = x.max(axis, true)
        const argmax = x.argmax(axis, true)
        for (let j = 0; j < max.size; j++) {
          const index = unravel(j, max.shape)
          const line = Array.from({ length: shape[a] }, (_, k) => x.data[ravel(index.map((v, i) => (i === a ? k : v)), shape)])
          expect(max.data[j]).toBe(Math.max(...line))
          expect(argmax.data[j]).toBe(line.indexOf(Math.max(...line)))
        }
      }),
    )
  })
})
