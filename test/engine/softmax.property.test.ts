import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Random, crossEntropy, fromArray, randn } from '../../src/main/engine'
import { expectAllClose } from '../helpers/allclose'
import { logSoftmax as naiveLogSoftmax } from '../helpers/naive'

/** A shape of rank 1..3, an axis of it (maybe negative) and a seed. */
const alongAxis = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 })
  .chain((shape) => fc.record({ shape: fc.constant(shape), axis: fc.integer({ min: -shape.length, max: shape.length - 1 }), seed: fc.nat() }))

/** Logits anywhere in [−1000, 1000], with the extremes themselves over-represented. */
const logit = fc.oneof(fc.constantFrom(-1000, 1000, 0), fc.float({ min: -1000, max: 1000, noNaN: true }))

/** A batch of 1..5 rows of 2..6 extreme-range logits, with a class index per row. */
const extremeBatch = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 6 }))
  .chain(([rows, classes]) =>
    fc.record({
      rows: fc.constant(rows),
      classes: fc.constant(classes),
      logits: fc.array(logit, { minLength: rows * classes, maxLength: rows * classes }),
      targets: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: rows, maxLength: rows }),
    }),
  )

// log-probabilities at ±1000 reach −2000, where a float32 step is 1.2e-4: hence atol 1e-3 there.
const EXTREME = { rtol: 1e-6, atol: 1e-3 }

describe('softmax is a probability distribution along its axis', () => {
  it('every value lies in [0, 1] and every line sums to 1', () => {
    fc.assert(
      fc.property(alongAxis, fc.double({ min: 0.1, max: 50, noNaN: true }), ({ shape, axis, seed }, scale) => {
        const x = randn(shape, new Random(seed)).mul(scale)
        const s = x.softmax(axis)
        expect(s.data.every((v) => v >= 0 && v <= 1)).toBe(true)
        const a = axis < 0 ? axis + shape.length : axis
        expectAllClose(s.sum(axis), new Array(s.size / shape[a]).fill(1), { rtol: 0, atol: 1e-5 })
      }),
    )
  })

  it('logSoftmax equals the log of softmax and the textbook formula', () => {
    fc.assert(
      fc.property(alongAxis, ({ shape, axis, seed }) => {
        const x = randn(shape, new Random(seed)).mul(3)
        const a = axis < 0 ? axis + shape.length : axis
        expectAllClose(x.logSoftmax(axis), naiveLogSoftmax(x.data, shape, a))
        expectAllClose(x.softmax(axis).log(), x.logSoftmax(axis).data, { rtol: 1e-5, atol: 1e-5 })
      }),
    )
  })
})

describe('logSoftmax and crossEntropy stay finite and right at extreme logits', () => {
  it('logSoftmax of logits up to ±1000 is finite and matches the float64 reference, and so is its gradient', () => {
    fc.assert(
      fc.property(extremeBatch, ({ rows, classes, logits }) => {
        const x = fromArray(logits, [rows, classes]).requiresGrad_()
        const out = x.logSoftmax(-1)
        expect(out.data.every(Number.isFinite)).toBe(true)
        expectAllClose(out, naiveLogSoftmax(x.data, [rows, classes], 1), EXTREME)
        out.sum().backward()
        expect(x.grad!.data.every(Number.isFinite)).toBe(true)
      }),
    )
  })

  it('softmax of logits up to ±1000 is finite and sums to 1', () => {
    fc.assert(
      fc.property(extremeBatch, ({ rows, classes, logits }) => {
        const s = fromArray(logits, [rows, classes]).softmax()
        expect(s.data.every(Number.isFinite)).toBe(true)
        expectAllClose(s.sum(1), new Array(rows).fill(1), { rtol: 0, atol: 1e-5 })
      }),
    )
  })

  it('crossEntropy is finite, matches −mean(log p[target]), and its gradient is (softmax − onehot)/n', () => {
    fc.assert(
      fc.property(extremeBatch, ({ rows, classes, logits, targets }) => {
        const x = fromArray(logits, [rows, classes]).requiresGrad_()
        const loss = crossEntropy(x, fromArray(targets, [rows]))
        const logProbs = naiveLogSoftmax(x.data, [rows, classes], 1)
        const expected = -targets.reduce((s, t, i) => s + logProbs[i * classes + t], 0) / rows
        expect(Number.isFinite(loss.item())).toBe(true)
        expectAllClose([loss.item()], [expected], EXTREME, 'loss')
        loss.backward()
        const gradient = logProbs.map((lp, j) => (Math.exp(lp) - (targets[Math.floor(j / classes)] === j % classes ? 1 : 0)) / rows)
        expectAllClose(x.grad!, gradient, { rtol: 1e-5, atol: 1e-6 }, 'gradient')
      }),
    )
  })
})
