import { describe, expect, it } from 'vitest'
import { fromArray, noGrad, isGradEnabled, scalar, ones } from '../../src/main/engine'

describe('the chapter’s examples', () => {
  it('x = 3, y = x² gives dy/dx = 6', () => {
    const x = scalar(3).requiresGrad_()
    const y = x.pow(2)
    expect(y.item()).toBe(9)
    y.backward()
    expect(x.grad!.item()).toBe(6)
  })

  it('x = [3, 4, 10], y = Σx² gives the gradient 2x', () => {
    const x = fromArray([3, 4, 10]).requiresGrad_()
    x.pow(2).sum().backward()
    expect(x.grad!.toArray()).toEqual([6, 8, 20])
  })

  it('the gradient of a quadratic a·t² + b·t + c, the chapter’s roller coaster, by hand', () => {
    const params = fromArray([0.5, -2, 1]).requiresGrad_()
    const t = fromArray([0, 1, 2, 3])
    const [a, b, c] = [params.index(0), params.index(1), params.index(2)]
    const speed = t.pow(2).mul(a).add(t.mul(b)).add(c)
    const target = fromArray([1, -1, -2, -1])
    speed.sub(target).pow(2).mean().backward()
    // prediction [1, -0.5, -1, -0.5] - target = [0, 0.5, 1, 0.5]; dL/dp = 2·r/4 = [0, 0.25, 0.5, 0.25]
    // dL/da = Σ dL/dp·t² = 0.25 + 2 + 2.25; dL/db = Σ dL/dp·t = 0.25 + 1 + 0.75; dL/dc = Σ dL/dp = 1
    expect(params.grad!.toArray()).toEqual([4.5, 2, 1])
  })
})

describe('gradients accumulate as in PyTorch', () => {
  it('two backward() calls add up until zeroGrad()', () => {
    const x = fromArray([1, 2]).requiresGrad_()
    x.mul(3).sum().backward()
    x.mul(3).sum().backward()
    expect(x.grad!.toArray()).toEqual([6, 6])
    x.zeroGrad()
    expect(x.grad).toBeNull()
    x.mul(3).sum().backward()
    expect(x.grad!.toArray()).toEqual([3, 3])
  })

  it('a tensor used twice in one expression receives both contributions', () => {
    const x = fromArray([2, -1]).requiresGrad_()
    const y = x.mul(x).add(x)
    y.sum().backward()
    expect(x.grad!.toArray()).toEqual([5, -1])
  })

  it('a shared subexpression is backpropagated once, with its gradients summed', () => {
    const x = fromArray([1, 2, 3]).requiresGrad_()
    const h = x.exp()
    h.add(h.mul(2)).sum().backward()
    expect(Array.from(x.grad!.data)).toEqual(Array.from(x.data, (v) => Math.fround(3 * Math.fround(Math.exp(v)))))
  })

  it('only leaves keep a gradient; inputs that do not require grad get none', () => {
    const w = fromArray([1, 2]).requiresGrad_()
    const x = fromArray([3, 4])
    const hidden = w.mul(x)
    hidden.sum().backward()
    expect(w.grad!.toArray()).toEqual([3, 4])
    expect(x.grad).toBeNull()
    expect(hidden.grad).toBeNull()
  })
})

describe('noGrad and detach cut the graph', () => {
  it('noGrad records nothing, and restores grad mode afterwards even after a throw', () => {
    const w = ones([2]).requiresGrad_()
    const y = noGrad(() => w.mul(2).sum())
    expect(y.requiresGrad).toBe(false)
    expect(y.gradFn).toBeNull()
    expect(() => y.backward()).toThrow('does not require grad')
    expect(() => noGrad(() => { throw new Error('inside') })).toThrow('inside')
    expect(isGradEnabled()).toBe(true)
    expect(w.mul(2).requiresGrad).toBe(true)
  })

  it('nested noGrad stays off until the outermost returns', () => {
    noGrad(() => {
      noGrad(() => undefined)
      expect(isGradEnabled()).toBe(false)
    })
    expect(isGradEnabled()).toBe(true)
  })

  it('detach keeps the values, shares storage and stops the gradient', () => {
    const x = fromArray([1, 2, 3]).requiresGrad_()
    const d = x.mul(2).detach()
    expect(d.requiresGrad).toBe(false)
    expect(d.gradFn).toBeNull()
    expect(d.toArray()).toEqual([2, 4, 6])
    x.mul(d).sum().backward()
    expect(x.grad!.toArray()).toEqual([2, 4, 6])
    expect(x.detach().data).toBe(x.data)
  })

  it('an update under noGrad, as an optimizer makes it, leaves the parameter a leaf', () => {
    const w = fromArray([1, 2]).requiresGrad_()
    w.pow(2).sum().backward()
    noGrad(() => w.data.set(w.sub(w.grad!.mul(0.1)).data))
    expect(Array.from(w.data)).toEqual([0.8, 1.6].map(Math.fround))
    expect(w.gradFn).toBeNull()
  })
})
