import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Tensor, fromArray, mnistLoss, where } from '../../src/main/engine'

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
