import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { allocateKernelArray, referenceKernels, type BatchNormBackwardArgs, type BatchNormForwardArgs } from '../../src/main/engine/kernels'
import { batchNormWasm, kernelThreadsReady, setKernelThreads } from '../../src/main/engine/kernels/wasm'
import { BatchNorm2d, ReLU, Sequential, randn } from '../../src/main/engine'
import { Random } from '../../src/main/engine/random'
import { describeProvider } from '../helpers/providers'

const onWasm = describeProvider('wasm')

const bits = (values: Float32Array | Float64Array): Int32Array => new Int32Array(values.slice().buffer)

interface Case {
  readonly batch: number
  readonly channels: number
  readonly inner: number
  readonly training: boolean
  readonly relu: boolean
  readonly seed: number
}

/** A forward pass's inputs for a case; in eval the statistics are "running" ones, drawn at random. */
function forwardArgs({ batch, channels, inner, training, relu, seed }: Case, place: (values: Float32Array) => Float32Array = (v) => v): BatchNormForwardArgs {
  const random = new Random(seed)
  const floats = (length: number, scale = 1, offset = 0): Float32Array => Float32Array.from({ length }, () => offset + scale * random.normal())
  const size = batch * channels * inner
  const perChannel = (f: () => number): Float64Array => Float64Array.from({ length: channels }, f)
  return {
    batch, channels, inner, training, relu, eps: 1e-5,
    x: place(floats(size, 3, 1)), weight: floats(channels), bias: floats(channels),
    mean: training ? new Float64Array(channels) : perChannel(() => random.normal()),
    variance: new Float64Array(channels),
    invStd: training ? new Float64Array(channels) : perChannel(() => 0.5 + random.uniform()),
    out: place(new Float32Array(size)),
  }
}

/** The forward pass's outputs by the reference, and by the fast kernel on copies of the same inputs. */
function bothForward(c: Case, place?: (values: Float32Array) => Float32Array): [BatchNormForwardArgs, BatchNormForwardArgs] {
  const reference = forwardArgs(c)
  const fast = forwardArgs(c, place)
  referenceKernels.batchNormForward(reference)
  batchNormWasm!.forward(fast)
  return [reference, fast]
}

function expectSameForward(reference: BatchNormForwardArgs, fast: BatchNormForwardArgs): void {
  for (const key of ['mean', 'variance', 'invStd', 'out'] as const) {
    expect(bits(fast[key]), key).toEqual(bits(reference[key]))
  }
}

function backwardArgs(forward: BatchNormForwardArgs, withDx: boolean, seed: number): BatchNormBackwardArgs {
  const random = new Random(seed)
  const { batch, channels, inner, training, weight, invStd, mean, x, relu, out } = forward
  const dy = Float32Array.from({ length: x.length }, () => random.normal())
  return {
    batch, channels, inner, training, weight, invStd, mean, x: x.slice(), dy, reluOut: relu ? out.slice() : null,
    sumDy: new Float64Array(channels), sumDyXhat: new Float64Array(channels), dx: withDx ? new Float32Array(dy.length) : null,
  }
}

const cases = fc.record({
  batch: fc.integer({ min: 1, max: 6 }),
  channels: fc.integer({ min: 1, max: 5 }),
  // planes of 1 (ResNet's last stage), shorter and longer than four values, and not multiples of four
  inner: fc.integer({ min: 1, max: 23 }),
  training: fc.boolean(),
  relu: fc.boolean(),
  seed: fc.nat(),
}).filter((c) => !c.training || c.batch * c.inner > 1)

onWasm('batch norm on WebAssembly', () => {
  it('gives the reference forward pass bit for bit: statistics, x̂ and y, in training and eval, with and without ReLU', () => {
    fc.assert(fc.property(cases, (c) => expectSameForward(...bothForward(c))), { numRuns: 200 })
  })

  it('gives the reference backward pass bit for bit: Σdy, Σdy·x̂ and dx, with and without dx and ReLU', () => {
    fc.assert(fc.property(cases, fc.boolean(), (c, withDx) => {
      const [forward] = bothForward(c)
      const reference = backwardArgs(forward, withDx, c.seed + 1)
      const fast = backwardArgs(forward, withDx, c.seed + 1)
      referenceKernels.batchNormBackward(reference)
      batchNormWasm!.backward(fast)
      for (const key of ['sumDy', 'sumDyXhat', 'dx'] as const) {
        if (reference[key]) expect(bits(fast[key]!), key).toEqual(bits(reference[key]!))
      }
    }), { numRuns: 200 })
  })

  it('reads and writes arrays in the kernels’ memory in place, with the same bits', () => {
    const inKernel = (values: Float32Array): Float32Array => {
      const copy = allocateKernelArray(values.length)
      copy.set(values)
      return copy
    }
    const [reference, fast] = bothForward({ batch: 3, channels: 7, inner: 49, training: true, relu: true, seed: 3 }, inKernel)
    expectSameForward(reference, fast)
  })

  it('normalises a batch to mean 0 and variance 1 per channel (γ = 1, β = 0)', () => {
    const args = forwardArgs({ batch: 5, channels: 3, inner: 10, training: true, relu: false, seed: 9 })
    const fast = { ...args, weight: new Float32Array(3).fill(1), bias: new Float32Array(3) }
    batchNormWasm!.forward(fast)
    for (let c = 0; c < 3; c++) {
      const values = Array.from({ length: 5 }, (_, n) => Array.from(fast.out.subarray((n * 3 + c) * 10, (n * 3 + c + 1) * 10))).flat()
      const mean = values.reduce((a, b) => a + b) / values.length
      expect(mean).toBeCloseTo(0, 5)
      expect(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length).toBeCloseTo(1, 3)
    }
  })

  it('refuses arrays of the wrong length, naming the layout', () => {
    const args = forwardArgs({ batch: 2, channels: 3, inner: 4, training: true, relu: false, seed: 1 })
    expect(() => batchNormWasm!.forward({ ...args, out: new Float32Array(5) })).toThrow(/2×3×4 values and 3 per channel/)
  })
})

onWasm('batch norm on helper threads', () => {
  afterAll(() => setKernelThreads(1))

  // Large enough to be shared (131,072 values or more), channels not a multiple of the chunks, planes not of fours.
  const shared: Case[] = [
    { batch: 16, channels: 13, inner: 7 * 7 * 13, training: true, relu: true, seed: 5 },
    { batch: 32, channels: 11, inner: 19 * 19, training: false, relu: false, seed: 6 },
    { batch: 64, channels: 3, inner: 29 * 29, training: true, relu: false, seed: 7 },
  ]

  it.each([2, 3])('gives the reference bits on %i threads, forward and backward', async (threads) => {
    setKernelThreads(threads)
    await kernelThreadsReady()
    for (const c of shared) {
      const [reference, fast] = bothForward(c)
      expectSameForward(reference, fast)
      const [backReference, backFast] = [backwardArgs(reference, true, c.seed), backwardArgs(fast, true, c.seed)]
      referenceKernels.batchNormBackward(backReference)
      batchNormWasm!.backward(backFast)
      for (const key of ['sumDy', 'sumDyXhat', 'dx'] as const) expect(bits(backFast[key]!), key).toEqual(bits(backReference[key]!))
    }
  })
})

describe('batch norm fused with the ReLU after it', () => {
  /** Output, input gradient and γ, β gradients of a batch norm with a ReLU after it, fused or as two ops. */
  function run(fused: boolean, training: boolean): Float32Array[] {
    const random = new Random(21)
    const x = randn([3, 4, 5, 3], random).requiresGrad_()
    const bn = new BatchNorm2d(4)
    bn.weight.data.set([0.5, -1, 2, 1.5])
    bn.bias.data.set([0.1, 0.2, -0.3, 0])
    bn.train(training)
    const y = fused ? new Sequential(bn, new ReLU()).forward(x) : bn.forward(x).relu()
    y.mul(randn(y.shape, random)).sum().backward()
    return [y.data, x.grad!.data, bn.weight.grad!.data, bn.bias.grad!.data, bn.runningMean.data, bn.runningVar.data]
  }

  it.each([true, false])('gives the bits of batchNorm(…).relu(), forward and backward (training %s)', (training) => {
    const [fused, apart] = [run(true, training), run(false, training)]
    expect(fused[0].some((v) => v === 0) && fused[0].some((v) => v > 0)).toBe(true)
    fused.forEach((values, i) => expect(bits(values), String(i)).toEqual(bits(apart[i])))
  })
})
