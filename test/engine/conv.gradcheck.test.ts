import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  BasicBlock, Random, Tensor, avgPool2d, batchNorm, conv2d, dropout, globalAvgPool2d, maxPool2d, ones, rand, randn, zeros,
} from '../../src/main/engine'
import { col2imReference, im2colReference } from '../../src/main/engine/kernels/im2col'
import { kernels, referenceKernels } from '../../src/main/engine/kernels'
import { convGeometry } from '../../src/main/engine/ops/conv'
import { ErrorTally, expectAllClose } from '../helpers/allclose'
import { gradcheck } from '../helpers/gradcheck'

const random = new Random(77)
const tally = new ErrorTally()
const normal = (...shape: number[]): Tensor => randn(shape, random).requiresGrad_()
/** Values at least 0.05 apart in a random order, so every pooling window has one clear maximum. */
const distinct = (...shape: number[]): Tensor => {
  const x = zeros(shape)
  const order = random.permutation(x.size)
  for (let i = 0; i < x.size; i++) x.data[i] = 0.05 * order[i] - 0.025 * x.size
  return x.requiresGrad_()
}

function check(group: string, name: string, fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  for (const result of gradcheck(fn, inputs)) tally.add(group, name, result)
}

afterAll(() => {
  if (process.env.ENGINE_ERROR_REPORT) console.log(tally.report('worst error vs central differences (eps 1e-3):'))
})

describe('conv, pool, batch-norm and dropout gradients match central differences', () => {
  const convCases: [string, number[], number[], number, number][] = [
    ['3×3 stride 1 pad 1', [2, 2, 5, 4], [3, 2, 3, 3], 1, 1],
    ['3×3 stride 2 pad 1', [2, 3, 6, 5], [2, 3, 3, 3], 2, 1],
    ['2×1 stride 1 pad 0', [1, 2, 4, 3], [2, 2, 2, 1], 1, 0],
    ['1×1 stride 2', [2, 3, 5, 5], [4, 3, 1, 1], 2, 0],
  ]
  it.each(convCases)('conv2d %s', (name, x, w, stride, padding) => {
    check('conv2d', name, (a, b, c) => conv2d(a, b, c, { stride, padding }), [normal(...x), normal(...w), normal(w[0])])
  })
  it('conv2d without bias, input not requiring grad', () => {
    check('conv2d', 'no bias', (a, b) => conv2d(a, b, null, { stride: 2, padding: 1 }), [randn([2, 1, 5, 5], random), normal(2, 1, 3, 3)])
  })
  it('maxPool2d 3×3 stride 2 pad 1 (overlapping windows)', () => {
    check('maxPool2d', '3×3 s2 p1', (a) => maxPool2d(a, { kernelSize: 3, stride: 2, padding: 1 }), [distinct(2, 2, 6, 5)])
  })
  it('maxPool2d 2×2', () => check('maxPool2d', '2×2', (a) => maxPool2d(a, { kernelSize: 2 }), [distinct(1, 3, 4, 6)]))
  it('avgPool2d 3×3 stride 2 pad 1', () => {
    check('avgPool2d', '3×3 s2 p1', (a) => avgPool2d(a, { kernelSize: 3, stride: 2, padding: 1 }), [normal(2, 2, 5, 6)])
  })
  it('globalAvgPool2d', () => check('globalAvgPool2d', '(2,3,3,4)', (a) => globalAvgPool2d(a), [normal(2, 3, 3, 4)]))
  it.each([true, false])('batchNorm, training %s', (training) => {
    const [mean, variance] = [randn([3], random), rand([3], random, 0.5, 2)]
    const fn = (x: Tensor, w: Tensor, b: Tensor): Tensor => batchNorm(x, w, b, mean.clone(), variance.clone(), { training })
    check('batchNorm', `training ${training}`, fn, [normal(4, 3, 2, 3), rand([3], random, 0.5, 1.5).requiresGrad_(), normal(3)])
  })
  it('dropout with a fixed mask', () => check('dropout', 'p 0.3', (a) => dropout(a, 0.3, new Random(5), true), [normal(3, 4, 2)]))
  it('a residual BasicBlock with downsample, in training', () => {
    const block = new BasicBlock(2, 3, 2, new Random(3))
    check('BasicBlock', 'input', (x) => block.forward(x), [normal(2, 2, 4, 4)])
  })
})

/** A direct convolution, one output at a time in float64: the textbook definition. */
function naiveConv(x: Tensor, w: Tensor, stride: number, padding: number): number[] {
  const [n, c, h, wd] = x.shape
  const [oc, , kh, kw] = w.shape
  const [oh, ow] = [Math.floor((h + 2 * padding - kh) / stride) + 1, Math.floor((wd + 2 * padding - kw) / stride) + 1]
  const out: number[] = []
  for (let b = 0; b < n; b++) for (let o = 0; o < oc; o++) for (let y = 0; y < oh; y++) for (let z = 0; z < ow; z++) {
    let total = 0
    for (let ch = 0; ch < c; ch++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const [iy, iz] = [y * stride - padding + i, z * stride - padding + j]
      if (iy >= 0 && iy < h && iz >= 0 && iz < wd) total += x.data[((b * c + ch) * h + iy) * wd + iz] * w.data[((o * c + ch) * kh + i) * kw + j]
    }
    out.push(total)
  }
  return out
}

const geometryArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }), oc: fc.integer({ min: 1, max: 4 }),
  h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 4 }),
  stride: fc.integer({ min: 1, max: 3 }), padding: fc.integer({ min: 0, max: 2 }),
}).filter((g) => g.h + 2 * g.padding >= g.k && g.w + 2 * g.padding >= g.k)

describe('the im2col + GEMM convolution', () => {
  it('equals a direct convolution for any geometry', () => {
    fc.assert(fc.property(geometryArb, fc.integer(), (g, seed) => {
      const r = new Random(seed)
      const x = randn([g.n, g.c, g.h, g.w], r)
      const w = randn([g.oc, g.c, g.k, g.k], r)
      expectAllClose(conv2d(x, w, null, { stride: g.stride, padding: g.padding }), naiveConv(x, w, g.stride, g.padding))
    }), { numRuns: 60 })
  })

  it('col2im is the adjoint of im2col: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩', () => {
    fc.assert(fc.property(geometryArb, fc.integer(), (g, seed) => {
      const r = new Random(seed)
      const geometry = convGeometry('conv', [g.n, g.c, g.h, g.w], g.k, g.stride, g.padding)
      const x = randn([g.n, g.c, g.h, g.w], r).data
      const cols = new Float32Array(g.c * g.k * g.k * g.n * geometry.outH * geometry.outW)
      const other = randn([cols.length], r).data
      im2colReference(x, geometry, cols)
      const back = new Float32Array(x.length)
      col2imReference(other, geometry, back)
      let [left, right] = [0, 0]
      cols.forEach((v, i) => (left += v * other[i]))
      x.forEach((v, i) => (right += v * back[i]))
      expect(left).toBeCloseTo(right, 3)
    }), { numRuns: 60 })
  })

  it('runs the same kernels as the reference (a faster kernel must equal it)', () => {
    const geometry = convGeometry('conv', [2, 3, 7, 6], 3, 2, 1)
    const x = randn([2, 3, 7, 6], random).data
    const size = 3 * 9 * 2 * geometry.outH * geometry.outW
    const [fast, reference] = [new Float32Array(size), new Float32Array(size)]
    kernels.im2col(x, geometry, fast)
    referenceKernels.im2col(x, geometry, reference)
    expect(fast).toEqual(reference)
    const [dxFast, dxReference] = [new Float32Array(x.length), new Float32Array(x.length)]
    kernels.col2im(fast, geometry, dxFast)
    referenceKernels.col2im(reference, geometry, dxReference)
    expect(dxFast).toEqual(dxReference)
  })
})

describe('dropout', () => {
  const x = ones([100, 100])

  it('zeroes about p of the values and scales the rest by 1/(1 − p)', () => {
    const out = dropout(x, 0.25, new Random(1), true)
    const kept = out.data.filter((v) => v !== 0)
    expect(kept.length / out.size).toBeCloseTo(0.75, 1)
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]))
  })

  it('draws the same mask from the same seed, and another from another', () => {
    expect(dropout(x, 0.5, new Random(9), true).data).toEqual(dropout(x, 0.5, new Random(9), true).data)
    expect(dropout(x, 0.5, new Random(9), true).data).not.toEqual(dropout(x, 0.5, new Random(10), true).data)
  })

  it('is the identity outside training and at p = 0', () => {
    expect(dropout(x, 0.5, new Random(1), false)).toBe(x)
    expect(dropout(x, 0, new Random(1), true)).toBe(x)
  })

  it('passes the gradient through the kept values only', () => {
    const input = randn([4, 5], random).requiresGrad_()
    const out = dropout(input, 0.5, new Random(2), true)
    out.sum().backward()
    input.grad!.data.forEach((g, i) => expect(g).toBe(out.data[i] === 0 ? 0 : 2))
  })
})
