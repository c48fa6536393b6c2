import { describe, expect, it } from 'vitest'
import { sgdByHand } from '../../../src/main/service/lab/sgd'

describe('Lab panel 3: SGD by hand on the roller coaster', () => {
  it("makes the chapter's data: time 0..19 and a noisy quadratic with its minimum near t = 9.5", () => {
    const reply = sgdByHand({ seed: 42, lr: 1e-5, params: null, steps: 0, compare: false })
    expect(reply.time).toEqual(Array.from({ length: 20 }, (_, t) => t))
    const residuals = reply.speed.map((s, t) => s - (0.75 * (t - 9.5) ** 2 + 1))
    const std = Math.sqrt(residuals.reduce((sum, r) => sum + r * r, 0) / 20)
    expect(std).toBeGreaterThan(1.5)
    expect(std).toBeLessThan(4.5)
    expect(reply.steps).toEqual([])
  })

  it('takes steps whose gradients are the MSE’s by hand, and p − lr·grad after each', () => {
    const lr = 1e-5
    const reply = sgdByHand({ seed: 42, lr, params: null, steps: 3, compare: false })
    expect(reply.steps).toHaveLength(3)
    for (const step of reply.steps) {
      const [a, b, c] = step.params
      const errors = reply.time.map((t, i) => a * t * t + b * t + c - reply.speed[i])
      const by = (feature: (t: number) => number): number => (2 / 20) * errors.reduce((sum, e, i) => sum + e * feature(reply.time[i]), 0)
      const expected = [by((t) => t * t), by((t) => t), by(() => 1)]
      step.grads.forEach((g, k) => expect(g).toBeCloseTo(expected[k], -Math.log10(Math.abs(expected[k]) * 1e-5)))
      expect(step.loss).toBeCloseTo(errors.reduce((sum, e) => sum + e * e, 0) / 20, 0)
      step.next.forEach((p, k) => expect(Math.abs(p - (step.params[k] - lr * step.grads[k]))).toBeLessThan(1e-6 * Math.max(1, Math.abs(p))))
    }
    expect(reply.steps[1].params).toEqual(reply.steps[0].next)
    expect(reply.steps[2].loss).toBeLessThan(reply.steps[0].loss)
    expect(reply.end.params).toEqual(reply.steps[2].next)
  })

  it('continues from the parameters it is given', () => {
    const first = sgdByHand({ seed: 42, lr: 1e-5, params: null, steps: 2, compare: false })
    const then = sgdByHand({ seed: 42, lr: 1e-5, params: [...first.steps[1].params], steps: 1, compare: false })
    expect(then.steps[0]).toEqual(first.steps[1])
  })

  it('shows a learning rate that crawls, a good one, one that bounces and one that diverges', () => {
    const reply = sgdByHand({ seed: 42, lr: 2e-6, params: null, steps: 0, compare: true })
    const [small, good, bounces, diverges, yours] = reply.regimes!
    expect(small.losses.at(-1)!).toBeGreaterThan(good.losses.at(-1)! * 1.1)
    expect(good.losses[5]).toBeLessThan(small.losses[5])
    expect(bounces.losses[1]).toBeGreaterThan(good.losses[1])
    expect(bounces.diverged).toBe(false)
    expect(diverges.diverged).toBe(true)
    expect(diverges.losses.at(-1)!).toBeGreaterThan(1e6)
    expect(yours.lr).toBe(2e-6)
  })

  it('stops where a step would overflow, keeping every number finite', () => {
    const reply = sgdByHand({ seed: 1, lr: 0.5, params: null, steps: 50, compare: false })
    expect(reply.diverged).toBe(true)
    expect(reply.steps.length).toBeLessThan(50)
    expect(JSON.stringify({ ...reply, regimes: [] })).not.toContain('null')
  })
})
