import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Tensor, fromArray, linear, mnistLoss, where } from '../../src/main/engine'
import { allocateKernelArray, startingProvider, useProvider } from '../../src/main/engine/kernels'
import { Random } from '../../src/main/engine/random'
import { addRelu, zipValues } from '../../src/main/engine/ops/elementwise'

const bits = (t: Tensor): Int32Array => new Int32Array(t.data.slice().buffer)

/** The chapter's mnist_loss as the chain of ops it is written as. */
function chain(predictions: Tensor, targets: Tensor): Tensor {
  const p = predictions.sigmoid()
  return where(targets.eq(1), p.neg().add(1), p).mean()
}

/** Loss and gradient of predictions for an upstream gradient `upstream` (1 in training). */
function lossAndGradient(loss: typeof mnistLoss, logits: number[], targets: number[], shape: number[], upstream: number): [Tensor, Tensor] {
  const p = fromArray(logits, shape).requiresGrad_()
  const out = loss(p, fromArray(targets, shape))
  out.mul(upstream).backward()
  return [out, p.grad!]
}

describe('the fused mnistLoss', () => {
  it('gives the chain of ops’ loss and gradient bit for bit', () => {
    const logit = fc.float({ min: -30, max: 30, noNaN: true })
    const arb = fc.array(fc.tuple(logit, fc.constantFrom(0, 1)), { minLength: 1, maxLength: 300 })
    const upstream = fc.constantFrom(1, 0.5, -3, 1e-3)
    fc.assert(fc.property(arb, upstream, fc.boolean(), (rows, g, column) => {
      const shape = column ? [rows.length, 1] : [rows.length]
      const [logits, targets] = [rows.map(([p]) => p), rows.map(([, t]) => t)]
      const [fusedLoss, fusedGrad] = lossAndGradient(mnistLoss, logits, targets, shape, g)
      const [chainLoss, chainGrad] = lossAndGradient(chain, logits, targets, shape, g)
      expect(bits(fusedLoss)).toEqual(bits(chainLoss))
      expect(bits(fusedGrad)).toEqual(bits(chainGrad))
    }), { numRuns: 200 })
  })

  it('records one op, and broadcasts through the chain when the shapes differ', () => {
    const p = fromArray([0.5, -1], [2, 1]).requiresGrad_()
    expect(mnistLoss(p, fromArray([1, 0], [2, 1])).gradFn?.opType).toBe('MnistLoss')
    // (2, 1) against (2,) broadcasts to (2, 2), as the chapter's where() does
    const t = fromArray([1, 0], [2])
    expect(bits(mnistLoss(p, t))).toEqual(bits(chain(p, t)))
  })
})

describe('the arithmetic ops’ plain loops', () => {
  const ops = [
    ['add', (a: Tensor, b: Tensor) => a.add(b), (x: number, y: number) => x + y],
    ['sub', (a: Tensor, b: Tensor) => a.sub(b), (x: number, y: number) => x - y],
    ['mul', (a: Tensor, b: Tensor) => a.mul(b), (x: number, y: number) => x * y],
    ['div', (a: Tensor, b: Tensor) => a.div(b), (x: number, y: number) => x / y],
  ] as const

  it.each(ops)('%s gives the general broadcast walk’s bits, for equal shapes, one value and broadcasts', (_, op, f) => {
    const value = fc.oneof(fc.float({ noNaN: false }), fc.constantFrom(0, -0, Infinity, -Infinity, Number.NaN))
    const shapes = fc.constantFrom<[number[], number[]]>([[2, 3], [2, 3]], [[2, 3], []], [[2, 3], [1, 1]], [[4], [1]], [[2, 3], [3]], [[2, 1], [1, 3]], [[1], [2, 2]])
    fc.assert(fc.property(shapes, fc.array(value, { minLength: 12, maxLength: 12 }), ([sa, sb], values) => {
      const size = (shape: number[]): number => shape.reduce((n, d) => n * d, 1)
      const a = new Tensor(Float32Array.from(values.slice(0, size(sa))), sa)
      const b = new Tensor(Float32Array.from(values.slice(6, 6 + size(sb))), sb)
      const out = op(a, b)
      const expected = zipValues(a, b, f)
      expect(out.shape).toEqual(expected.shape)
      expect(bits(out)).toEqual(bits(expected))
    }), { numRuns: 200 })
  })
})

// NOTE: the WebAssembly kernels promise this; the native ones send the unindexed batch's products to MLAS.
describe('linear on a batch of mostly-zero inputs, with the WebAssembly kernels', () => {
  beforeAll(() => useProvider('wasm'))
  afterAll(() => useProvider(startingProvider()))

  it('gives the same output and gradients when its input lives in the kernels’ memory (its nonzeros indexed once)', () => {
    const random = new Random(3)
    const [n, inputs, outputs] = [256, 784, 30]
    const pixels = Float32Array.from({ length: n * inputs }, () => (random.uniform() < 0.2 ? random.uniform() : 0))
    const run = (data: Float32Array): Int32Array[] => {
      const weight = new Tensor(Float32Array.from({ length: outputs * inputs }, (_, i) => Math.sin(i)), [outputs, inputs]).requiresGrad_()
      const bias = new Tensor(new Float32Array(outputs).fill(0.1), [outputs]).requiresGrad_()
      const out = linear(new Tensor(data, [n, inputs]), weight, bias)
      out.mul(out).mean().backward()
      return [bits(out), bits(weight.grad!), bits(bias.grad!)]
    }
    const pinned = allocateKernelArray(n * inputs)
    pinned.set(pixels)
    expect(run(pinned)).toEqual(run(pixels))
  })
})

describe('the fused residual add and ReLU', () => {
  it('gives a.add(b).relu()’s output and both gradients bit for bit, zeros and signed zeros included', () => {
    const value = fc.oneof(fc.float({ min: -5, max: 5, noNaN: true }), fc.constantFrom(0, -0, 1, -1))
    const arb = fc.array(fc.tuple(value, value, fc.float({ min: -2, max: 2, noNaN: true })), { minLength: 1, maxLength: 200 })
    fc.assert(fc.property(arb, (rows) => {
      const run = (fused: boolean): Tensor[] => {
        const [a, b] = [0, 1].map((k) => fromArray(rows.map((r) => r[k]), [rows.length]).requiresGrad_())
        const out = fused ? addRelu(a, b) : a.add(b).relu()
        out.mul(fromArray(rows.map((r) => r[2]), [rows.length])).sum().backward()
        return [out, a.grad!, b.grad!]
      }
      const [fused, apart] = [run(true), run(false)]
      fused.forEach((t, i) => expect(bits(t)).toEqual(bits(apart[i])))
    }), { numRuns: 200 })
  })
})

