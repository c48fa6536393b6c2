import { afterEach, describe, expect, it } from 'vitest'
import { BatchNorm2d, Conv2d, ReLU, Sequential, Tensor, batchNorm, conv2d, fuseConvBatchNorm, noGrad, randn, setThreads, threadsReady } from '../../src/main/engine'
import { giveBackArray, lendArray, MAX_LENT_BYTES } from '../../src/main/engine/kernels'
import { Random } from '../../src/main/engine/random'
import { convBatchNorm } from '../../src/main/engine/ops/conv-batch-norm'

const bits = (values: Float32Array): Int32Array => new Int32Array(values.slice().buffer)

interface Case {
  readonly name: string
  readonly input: [number, number, number, number]
  readonly outChannels: number
  readonly kernel: number
  readonly stride: number
  readonly padding: number
  readonly bias: boolean
  readonly relu: boolean
  readonly training: boolean
}

const CASES: readonly Case[] = [
  { name: 'the small CNN’s 3×3 stride-2 block', input: [8, 4, 14, 14], outChannels: 6, kernel: 3, stride: 2, padding: 1, bias: false, relu: true, training: true },
  { name: 'a ResNet block’s second conv (no ReLU)', input: [4, 5, 7, 7], outChannels: 5, kernel: 3, stride: 1, padding: 1, bias: false, relu: false, training: true },
  { name: 'a 1×1 downsample with a bias', input: [4, 3, 6, 6], outChannels: 7, kernel: 1, stride: 2, padding: 0, bias: true, relu: false, training: true },
  { name: 'a 3×3 conv on a 1×1 plane (cropped to its centre)', input: [6, 8, 1, 1], outChannels: 4, kernel: 3, stride: 1, padding: 1, bias: true, relu: true, training: true },
  { name: 'eval, by the running statistics', input: [3, 2, 9, 9], outChannels: 3, kernel: 3, stride: 1, padding: 0, bias: true, relu: true, training: false },
]

/** A fresh set of parameters and running statistics for `c` (the same values for every call with `seed`). */
function parameters(c: Case, seed: number) {
  const random = new Random(seed)
  const [, channels] = c.input
  const grad = <T extends Tensor>(t: T): T => t.requiresGrad_() as T
  return {
    x: grad(randn(c.input, random)),
    weight: grad(randn([c.outChannels, channels, c.kernel, c.kernel], random)),
    bias: c.bias ? grad(randn([c.outChannels], random)) : null,
    gamma: grad(randn([c.outChannels], random).add(1).detach()),
    beta: grad(randn([c.outChannels], random)),
    runningMean: randn([c.outChannels], random).detach(),
    runningVar: randn([c.outChannels], random).abs().add(0.5).detach(),
    upstream: randn([c.input[0], c.outChannels, 1, 1], random).detach(),
  }
}

type Run = { out: Float32Array; grads: Float32Array[]; running: Float32Array[] }

/**
 * Runs the op, then `times` backward passes (gradients accumulate), calling `between` before each pass after the
 * first; returns what it computed.
 */
function run(c: Case, fused: boolean, times = 1, between = (): void => {}, seed = 7): Run {
  const p = parameters(c, seed)
  const options = { stride: c.stride, padding: c.padding }
  const normOptions = { training: c.training, relu: c.relu }
  const out = fused
    ? convBatchNorm(p.x, { weight: p.weight, bias: p.bias, options }, { weight: p.gamma, bias: p.beta, runningMean: p.runningMean, runningVar: p.runningVar }, normOptions)
    : batchNorm(conv2d(p.x, p.weight, p.bias, options), p.gamma, p.beta, p.runningMean, p.runningVar, normOptions)
  for (let i = 0; i < times; i++) {
    if (i > 0) between()
    out.mul(p.upstream).sum().backward()
  }
  const leaves = [p.x, p.weight, ...(p.bias ? [p.bias] : []), p.gamma, p.beta]
  return { out: out.data, grads: times === 0 ? [] : leaves.map((t) => t.grad!.data), running: [p.runningMean.data, p.runningVar.data] }
}

function expectSameBits(fused: Run, separate: Run): void {
  expect(bits(fused.out)).toEqual(bits(separate.out))
  expect(fused.grads.map(bits)).toEqual(separate.grads.map(bits))
  expect(fused.running.map(bits)).toEqual(separate.running.map(bits))
}

describe('a conv and its batch norm as one op', () => {
  afterEach(async () => {
    setThreads(1)
    await threadsReady()
  })

  it.each(CASES)('gives batchNorm(conv2d(…))’s output, running statistics and gradients bit for bit: $name', (c) => {
    expectSameBits(run(c, true), run(c, false))
  })

  it.each([1, 2])('gives the same bits on %i threads, on a block large enough to be shared', async (threads) => {
    setThreads(threads)
    await threadsReady()
    const c: Case = { name: 'large', input: [32, 16, 28, 28], outChannels: 32, kernel: 3, stride: 2, padding: 1, bias: false, relu: true, training: true }
    expectSameBits(run(c, true), run(c, false))
  })

  it('computes the conv’s output again for a second backward pass (it gave its copy back after the first)', () => {
    const c = CASES[0]
    // Another block of the same shape in between borrows what the first gave back and writes its own output there.
    const twice = run(c, true, 2, () => void run(c, true, 0, undefined, 8))
    expectSameBits(twice, run(c, false, 2))
    // Two passes accumulate: each gradient is twice the first pass's (to the bits, since doubling is exact).
    expect(twice.grads.map(bits)).toEqual(run(c, true, 1).grads.map((g) => bits(g.map((v) => 2 * v))))
  })

  it('falls back to an ordinary array when the kernels’ memory has nothing left to lend', () => {
    const owner = {}
    const hoard = lendArray(MAX_LENT_BYTES / 4 - 16, owner)
    try {
      expectSameBits(run(CASES[0], true), run(CASES[0], false))
    } finally {
      if (hoard) giveBackArray(hoard)
    }
  })

  it('records no graph under noGrad, with the same output', () => {
    const c = CASES[1]
    const p = parameters(c, 3)
    const params = { weight: p.gamma, bias: p.beta, runningMean: p.runningMean, runningVar: p.runningVar }
    const fused = noGrad(() => convBatchNorm(p.x, { weight: p.weight, bias: null, options: { padding: 1 } }, params, { training: false }))
    const separate = noGrad(() => batchNorm(conv2d(p.x, p.weight, null, { padding: 1 }), p.gamma, p.beta, p.runningMean, p.runningVar, { training: false }))
    expect(fused.gradFn).toBeNull()
    expect(bits(fused.data)).toEqual(bits(separate.data))
  })

  it('is what the fusion pass makes of Conv2d → BatchNorm2d → ReLU, with the bits of the layers run one by one', () => {
    const build = () => new Sequential(new Conv2d(2, 4, 3, { padding: 1, bias: false, random: new Random(5) }), new BatchNorm2d(4), new ReLU())
    const [model, layers] = [fuseConvBatchNorm(build()), build()]
    const x = randn([3, 2, 5, 5], new Random(9))
    const out = model.forward(x.requiresGrad_())
    expect(out.gradFn?.opType).toBe('ConvBatchNormalization')
    const [conv, norm, relu] = layers.layers as [Conv2d, BatchNorm2d, ReLU]
    const oneByOne = relu.forward(norm.forward(conv.forward(x)))
    expect(bits(out.data)).toEqual(bits(oneByOne.data))
  })
})
