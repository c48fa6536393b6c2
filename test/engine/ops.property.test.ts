import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Random, Tensor, randn } from '../../src/main/engine'
import { cat } from '../../src/main/engine/ops/shape'
import { linear } from '../../src/main/engine/ops/matmul'
import { mnistLoss } from '../../src/main/engine/ops/loss'
import { expectAllClose, expectShape } from '../helpers/allclose'
import { gradcheck } from '../helpers/gradcheck'
import { ravel, sizeOf, unravel } from '../helpers/naive'

// Random-shape properties for the op families the other property tests leave out: matmul and
// linear (whatever the sizes), permute and cat (any rank and axis), and sigmoid-based losses at
// extreme inputs. Broadcasting, reductions and softmax/cross-entropy at ±1000 have their own files.

const size = fc.integer({ min: 1, max: 6 })
const values = (shape: readonly number[], seed: number): Tensor => randn([...shape], new Random(seed))
const leaf = (shape: readonly number[], seed: number): Tensor => {
  const t = values(shape, seed)
  t.requiresGrad = true
  return t
}

/** Σ_k a[i,k]·b[k,j] in float64. */
function naiveMatmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[i * n + j] += a[i * k + p] * b[p * n + j]
  return out
}

describe('matmul and linear, for any sizes', () => {
  it('matmul equals the float64 triple loop, and vectors follow NumPy', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (m, k, n, seed) => {
        const [a, b] = [values([m, k], seed), values([k, n], seed + 1)]
        expectAllClose(a.matmul(b), naiveMatmul(a.data, b.data, m, k, n), { rtol: 1e-4, atol: 1e-4 })
        expectShape(a.index(0).matmul(b), [n])
        expectShape(a.matmul(b.T.index(0)), [m])
      }),
      { numRuns: 60 },
    )
  })

  it('matmul and linear gradients match central differences', () => {
    fc.assert(
      fc.property(size, size, size, fc.nat(), (m, k, n, seed) => {
        gradcheck((a, b) => a.matmul(b), [leaf([m, k], seed), leaf([k, n], seed + 1)])
        gradcheck((x, w, b) => linear(x, w, b), [leaf([m, k], seed), leaf([n, k], seed + 1), leaf([n], seed + 2)])
      }),
      { numRuns: 15 },
    )
  })

  it('refuses shapes that do not line up, naming both', () => {
    fc.assert(
      fc.property(size, size, size, (m, k, n) => {
        expect(() => values([m, k], 1).matmul(values([k + 1, n], 2))).toThrow(/do not line up/)
      }),
      { numRuns: 20 },
    )
  })
})

/** A random permutation of 0..rank-1. */
const permutation = (rank: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: rank, maxLength: rank }).map((keys) => keys.map((key, i) => [key, i]).sort((x, y) => x[0] - y[0]).map(([, i]) => i))

describe('permute and cat, for any rank and axis', () => {
  const shaped = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })

  it('permute moves every element to its permuted index, and its gradient is the inverse permutation', () => {
    fc.assert(
      fc.property(shaped.chain((shape) => fc.tuple(fc.constant(shape), permutation(shape.length), fc.nat())), ([shape, axes, seed]) => {
        const x = leaf(shape, seed)
        const y = x.permute(...axes)
        expectShape(y, axes.map((a) => shape[a]))
        for (let flat = 0; flat < y.size; flat++) {
          const index = unravel(flat, y.shape)
          const source = new Array<number>(shape.length)
          axes.forEach((axis, i) => (source[axis] = index[i]))
          expect(y.data[flat]).toBe(x.data[ravel(source, shape)])
        }
        const upstream = values(y.shape, seed + 7)
        y.mul(upstream).sum().backward()
        const inverse = axes.map((_, i) => axes.indexOf(i))
        expect(Array.from(x.grad!.data)).toEqual(Array.from(upstream.permute(...inverse).reshape(...shape).data))
      }),
      { numRuns: 80 },
    )
  })

  it('cat along any axis keeps every part in place, and sends each part its slice of the gradient', () => {
    fc.assert(
      fc.property(shaped, fc.nat(), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), fc.nat(), (shape, axisSeed, widths, seed) => {
        const axis = axisSeed % shape.length
        const parts = widths.map((w, i) => leaf(shape.map((d, j) => (j === axis ? w : d)), seed + i))
        const joined = cat(parts, axis)
        expectShape(joined, shape.map((d, j) => (j === axis ? widths.reduce((s, w) => s + w, 0) : d)))
        const upstream = values(joined.shape, seed + 99)
        joined.mul(upstream).sum().backward()
        let offset = 0
        for (const part of parts) {
          for (let flat = 0; flat < part.size; flat++) {
            const index = unravel(flat, part.shape)
            index[axis] += offset
            expect(joined.data[ravel(index, joined.shape)]).toBe(part.data[flat])
            expect(part.grad!.data[flat]).toBe(upstream.data[ravel(index, joined.shape)])
          }
          offset += part.shape[axis]
        }
        expect(sizeOf(joined.shape)).toBe(parts.reduce((s, p) => s + p.size, 0))
      }),
      { numRuns: 80 },
    )
  })
})

describe('sigmoid and the chapter’s mnistLoss at extreme inputs', () => {
  const extreme = fc.oneof(fc.constantFrom(-1e4, -1000, -88.8, 0, 88.8, 1000, 1e4), fc.float({ min: -1e4, max: 1e4, noNaN: true }))

  it('sigmoid stays in [0, 1] and finite, with a finite non-negative gradient, for logits up to ±10⁴', () => {
    fc.assert(
      fc.property(fc.array(extreme, { minLength: 1, maxLength: 32 }), (logits) => {
        const x = new Tensor(Float32Array.from(logits), [logits.length])
        x.requiresGrad = true
        const s = x.sigmoid()
        expect(s.data.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true)
        s.sum().backward()
        expect(x.grad!.data.every((g) => Number.isFinite(g) && g >= 0 && g <= 0.25)).toBe(true)
      }),
    )
  })

  it('mnistLoss is finite and in [0, 1], with finite gradients, for predictions up to ±10⁴', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(extreme, fc.boolean()), { minLength: 1, maxLength: 32 }), (rows) => {
        const predictions = new Tensor(Float32Array.from(rows, ([p]) => p), [rows.length, 1])
        predictions.requiresGrad = true
        const loss = mnistLoss(predictions, new Tensor(Float32Array.from(rows, ([, t]) => (t ? 1 : 0)), [rows.length, 1]))
        expect(Number.isFinite(loss.data[0]) && loss.data[0] >= 0 && loss.data[0] <= 1).toBe(true)
        loss.backward()
        expect(predictions.grad!.data.every(Number.isFinite)).toBe(true)
      }),
    )
  })
})
