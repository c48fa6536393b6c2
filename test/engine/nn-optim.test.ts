import { describe, expect, it } from 'vitest'
import { Adam, BasicOptim, Flatten, Linear, Random, ReLU, SGD, Sequential, fromArray, initParams } from '../../src/main/engine'

describe('Module', () => {
  const net = new Sequential(new Flatten(), new Linear(4, 3, { random: new Random(1) }), new ReLU(), new Linear(3, 1, { random: new Random(2) }))

  it('finds parameters by path, as PyTorch names them', () => {
    expect(net.namedParameters().map(([name, t]) => `${name}${JSON.stringify(t.shape)}`)).toEqual([
      '1.weight[3,4]', '1.bias[3]', '3.weight[1,3]', '3.bias[1]',
    ])
    expect(net.parameterCount()).toBe(3 * 4 + 3 + 3 + 1)
  })

  it('starts Linear as PyTorch does: uniform within ±1/√in', () => {
    const layer = new Linear(400, 50, { random: new Random(5) })
    const values = Array.from(layer.weight.data)
    const bound = 1 / Math.sqrt(400)
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound)
    expect(Math.max(...values)).toBeGreaterThan(0.9 * bound)
    expect(Math.abs(values.reduce((a, b) => a + b) / values.length)).toBeLessThan(0.05 * bound)
  })

  it('round-trips its state and refuses state of the wrong size', () => {
    const copy = new Sequential(new Flatten(), new Linear(4, 3), new ReLU(), new Linear(3, 1))
    copy.loadStateDict(net.stateDict())
    const x = fromArray([[[1, 2], [3, 4]]])
    expect(copy.forward(x).toArray()).toEqual(net.forward(x).toArray())
    expect(() => copy.loadStateDict({ ...net.stateDict(), '3.bias': new Float32Array(2) })).toThrow(/"3.bias" has 2 values, the model needs 1/)
  })

  it('switches train/eval mode through every child', () => {
    net.eval()
    expect(net.layers.every((layer) => !layer.training)).toBe(true)
    net.train()
    expect(net.layers.every((layer) => layer.training)).toBe(true)
  })

  it('initParams draws normal values with the given std', () => {
    const p = initParams([20000], 2, new Random(3))
    const values = Array.from(p.data)
    const mean = values.reduce((a, b) => a + b) / values.length
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
    expect(p.requiresGrad).toBe(true)
    expect(Math.abs(mean)).toBeLessThan(0.05)
    expect(std).toBeCloseTo(2, 1)
  })
})

/** One parameter with a fixed gradient, so each update can be checked by hand. */
function param(values: number[], grad: number[]) {
  const p = fromArray(values).requiresGrad_()
  p.grad = fromArray(grad)
  return p
}

describe('optimizers', () => {
  it("BasicOptim is the chapter's p -= lr * grad, and zeroGrad clears", () => {
    const p = param([1, 2], [0.5, -1])
    const opt = new BasicOptim([p], 0.1)
    opt.step()
    expect(Array.from(p.data)).toEqual([0.95, 2.1].map(Math.fround))
    opt.zeroGrad()
    expect(p.grad).toBeNull()
  })

  it('SGD with momentum and weight decay follows PyTorch: v = μv + g + λp; p -= lr·v', () => {
    const p = param([1], [0.5])
    const opt = new SGD([p], 0.1, { momentum: 0.9, weightDecay: 0.01 })
    opt.step()
    const v1 = 0.5 + 0.01 * 1
    const p1 = Math.fround(1 - 0.1 * v1)
    expect(p.data[0]).toBeCloseTo(p1, 6)
    p.grad = fromArray([0.5])
    opt.step()
    const v2 = 0.9 * v1 + 0.5 + 0.01 * p1
    expect(p.data[0]).toBeCloseTo(p1 - 0.1 * v2, 6)
  })

  it("Adam's first step moves each weight by lr against its gradient's sign", () => {
    const p = param([1, 1, 1], [3, -0.001, 200])
    new Adam([p], 0.01).step()
    expect(Array.from(p.data).map((v) => +v.toFixed(5))).toEqual([0.99, 1.01, 0.99])
  })

  it('AdamW decays weights apart from the gradient', () => {
    const p = param([2], [0])
    new Adam([p], 0.1, { weightDecay: 0.5, decoupled: true }).step()
    expect(p.data[0]).toBeCloseTo(2 * (1 - 0.1 * 0.5), 6)
  })

  it('refuses a learning rate that is not positive', () => {
    expect(() => new SGD([], 0)).toThrow(/learning rate must be a positive number, got 0/)
  })
})

describe('an optimizer’s gradients', () => {
  const lossOf = (w: ReturnType<typeof fromArray>, scale: number) => w.mul(fromArray([1, -2, 3])).mul(scale).sum()

  it('land in the same array step after step, with each step’s values', () => {
    const w = fromArray([0.5, 1, -1]).requiresGrad_()
    const opt = new SGD([w], 0.1)
    lossOf(w, 1).backward()
    const home = w.grad!.data
    expect(Array.from(home)).toEqual([1, -2, 3])
    opt.step()
    opt.zeroGrad()
    expect(w.grad).toBeNull()
    lossOf(w, 2).backward()
    expect(w.grad!.data).toBe(home)
    expect(Array.from(w.grad!.data)).toEqual([2, -4, 6])
  })

  it('still add up over backward passes without zeroGrad between them', () => {
    const w = fromArray([0.5, 1, -1]).requiresGrad_()
    const opt = new Adam([w], 0.1)
    lossOf(w, 1).backward()
    lossOf(w, 0.5).backward()
    expect(Array.from(w.grad!.data)).toEqual([1.5, -3, 4.5])
    opt.zeroGrad()
    lossOf(w, 1).backward()
    expect(Array.from(w.grad!.data)).toEqual([1, -2, 3])
  })

  it('are new arrays each pass for a leaf no optimizer holds', () => {
    const w = fromArray([0.5, 1, -1]).requiresGrad_()
    lossOf(w, 1).backward()
    const first = w.grad!
    w.zeroGrad()
    lossOf(w, 2).backward()
    expect(w.grad!.data).not.toBe(first.data)
    expect(Array.from(first.data)).toEqual([1, -2, 3])
  })
})
