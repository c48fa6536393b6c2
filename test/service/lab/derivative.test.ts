import { describe, expect, it } from 'vitest'
import { derivativeAt } from '../../../src/main/service/lab/derivative'
import { DERIVATIVE_FUNCTIONS } from '../../../src/shared/lab'

describe('Lab panel 4: the derivative', () => {
  it("gives the chapter's x.grad = 6 at x = 3 for x², and 2x for the vector [3, 4, 10]", () => {
    const reply = derivativeAt({ fn: 'square', x: 3 })
    expect([reply.y, reply.grad]).toEqual([9, 6])
    expect(reply.vector).toEqual({ x: [3, 4, 10], grad: [6, 8, 20] })
    expect(reply.tangent).toEqual({ slope: 6, intercept: -9 })
  })

  it.each(DERIVATIVE_FUNCTIONS)('%s: autograd agrees with the formula and the central difference', (fn) => {
    for (const x of [-2.5, -0.7, 0.3, 1.9]) {
      const reply = derivativeAt({ fn, x })
      expect(reply.grad).toBeCloseTo(reply.exact, 5)
      expect(reply.centralDifference).toBeCloseTo(reply.grad, 2)
      expect(reply.curve.length).toBeGreaterThan(150)
    }
  })

  it('relu has slope 0 at its kink, as PyTorch', () => {
    expect(derivativeAt({ fn: 'relu', x: 0 }).grad).toBe(0)
  })
})
