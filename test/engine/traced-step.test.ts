import { afterEach, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { createLearner } from '../../src/main/engine'
import { rand } from '../../src/main/engine/creation'
import { useProvider } from '../../src/main/engine/kernels'
import { simpleCnn } from '../../src/main/engine/models/cnn'
import { AvgPool2d, Conv2d, MaxPool2d } from '../../src/main/engine/nn/conv'
import { ConvBatchNorm2d, fuseConvBatchNorm } from '../../src/main/engine/nn/fuse'
import { Flatten, Linear, ReLU, Sequential } from '../../src/main/engine/nn/layers'
import type { Module } from '../../src/main/engine/nn/module'
import { Dropout } from '../../src/main/engine/nn/normalization'
import { BasicBlock } from '../../src/main/engine/nn/resnet'
import { crossEntropy, mnistLoss } from '../../src/main/engine/ops/loss'
import { Random } from '../../src/main/engine/random'
import { Tensor } from '../../src/main/engine/tensor'
import { setStepMode, stepModeInUse } from '../../src/main/engine/traced/mode'
import { TracedStep } from '../../src/main/engine/traced/step'
import { everyNth } from '../helpers/datasets'
import { describeProvider } from '../helpers/providers'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'

// Stated tolerance: every value of a gradient, loss or running statistic within 1e-4 of the largest magnitude in
// that tensor (float32 sums in another order: MLAS's blocked products and convolutions against ours).
const TOLERANCE = 1e-4

function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  const scale = Math.max(1e-6, ...Array.from(expected, Math.abs))
  const worst = Math.max(...Array.from(actual, (v, i) => Math.abs(v - expected[i])))
  expect(worst / scale, `${what}: worst difference ${worst} against largest value ${scale}`).toBeLessThanOrEqual(TOLERANCE)
}

/** The model's parameters' gradients and running statistics after one step, traced or by autograd. */
function oneStep(model: Module, x: Tensor, y: Tensor, loss: 'cross-entropy' | 'mnist', traced: boolean) {
  const state = model.stateDict()
  let value: number
  if (traced) {
    const step = new TracedStep(model, loss)
    const result = step.run(x, y)
    expect(step.problem).toBeNull()
    value = result!
    step.dispose()
  } else {
    const out = (loss === 'mnist' ? mnistLoss : crossEntropy)(model.forward(x), y)
    value = out.item()
    out.backward()
  }
  const grads = model.parameters().map((p) => p.grad!.data.slice())
  const buffers = model.namedBuffers().map(([, b]) => b.data.slice())
  for (const p of model.parameters()) p.grad = null
  model.loadStateDict(state)
  return { value, grads, buffers }
}

function compare(model: Module, x: Tensor, y: Tensor, loss: 'cross-entropy' | 'mnist' = 'cross-entropy'): void {
  model.train()
  const expected = oneStep(model, x, y, loss, false)
  const actual = oneStep(model, x, y, loss, true)
  expectClose(new Float32Array([actual.value]), new Float32Array([expected.value]), 'loss')
  actual.grads.forEach((grad, i) => expectClose(grad, expected.grads[i], `gradient of ${model.namedParameters()[i][0]}`))
  actual.buffers.forEach((buffer, i) => expectClose(buffer, expected.buffers[i], `running statistic ${model.namedBuffers()[i][0]}`))
}

const classes = (n: number, k: number, random: Random): Tensor => new Tensor(Float32Array.from({ length: n }, () => random.nextUint32() % k), [n])

afterEach(() => {
  useProvider('native')
  setStepMode('graph')
})

describeProvider('native')('the traced training step', () => {
  it("gives autograd's loss, gradients and running statistics on the CNN (stride-2 convs, batch norm, global pool)", () => {
    const random = new Random(3)
    const model = simpleCnn([4, 8], 1, 10, random)
    compare(model, rand([6, 1, 13, 13], random), classes(6, 10, random))
  })

  it('does so on the CNN as the zoo builds it, its conv → batch norm → ReLU chains fused', () => {
    const random = new Random(8)
    const model = fuseConvBatchNorm(simpleCnn([4, 8], 1, 10, random))
    expect(model.namedChildren().some(([, child]) => child instanceof ConvBatchNorm2d)).toBe(true)
    compare(model, rand([6, 1, 13, 13], random), classes(6, 10, random))
  })

  it('does so through max and average pools, a residual block with a downsample, and padded odd planes', () => {
    const random = new Random(4)
    const model = new Sequential(
      // a conv with a bias and no batch norm after it (whose bias's gradient would be 0 up to rounding)
      new Conv2d(2, 4, 3, { padding: 1, random }), new ReLU(),
      new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 }),
      new BasicBlock(4, 6, 2, random),
      new AvgPool2d({ kernelSize: 2 }), new Flatten(), new Linear(6, 3, { random }),
    )
    compare(model, rand([3, 2, 11, 11], random, -1, 1), classes(3, 3, random))
  })

  it("does so on simple_net with the chapter's mnist loss", () => {
    const random = new Random(5)
    const model = new Sequential(new Flatten(), new Linear(20, 7, { random }), new ReLU(), new Linear(7, 1, { random }))
    const targets = new Tensor(Float32Array.from({ length: 9 }, (_, i) => i % 2), [9, 1])
    compare(model, rand([9, 1, 4, 5], random, -1, 1), targets, 'mnist')
  })

  it("gives the model's eval-mode output as its forward pass alone (validation), running statistics untouched", () => {
    const random = new Random(7)
    const model = simpleCnn([4, 8], 1, 10, random)
    const x = rand([5, 1, 13, 13], random)
    model.train()
    const step = new TracedStep(model, 'cross-entropy')
    step.run(x, classes(5, 10, random))
    for (const p of model.parameters()) p.grad = null
    model.eval()
    const statistics = model.namedBuffers().map(([, b]) => b.data.slice())
    const traced = step.forward(x)!
    expectClose(traced.data, model.forward(x).data, 'eval output')
    model.namedBuffers().forEach(([name, b], i) => expect(b.data, name).toEqual(statistics[i]))
    step.dispose()
  })

  it('leaves a model it cannot hold to the per-op step, saying why', () => {
    const random = new Random(6)
    const model = new Sequential(new Flatten(), new Linear(4, 3, { random }), new Dropout(0.5, random), new Linear(3, 2, { random }))
    model.train()
    const step = new TracedStep(model, 'cross-entropy')
    expect(step.run(rand([2, 1, 2, 2], random), classes(2, 2, random))).toBeNull()
    expect(step.problem).toMatch(/Dropout/)
  })

  it('is used only with the native kernels: --kernels wasm keeps the per-op step', () => {
    expect(stepModeInUse()).toBe('graph')
    useProvider('wasm')
    expect(stepModeInUse()).toBe('ops')
    useProvider('native')
    setStepMode('ops')
    expect(stepModeInUse()).toBe('ops')
  })

  it('trains the CNN to the same bits twice with the same seed, and reports the graph step', async () => {
    const data = everyNth(loadBuiltinDataset('mnist-sample'), 20)
    const config: TrainingConfig = { ...defaultTrainingConfig('cnn', 2), model: { kind: 'cnn', channels: [8, 16] }, loss: 'ce', optimizer: 'adam', lr: 0.01, epochs: 1, batchSize: 64 }
    const run = async () => {
      const learner = createLearner(data, config)
      await learner.fit(1)
      expect(learner.lastStep).toBe('graph')
      return { losses: learner.recorder.batchLosses, weights: learner.model.stateDict() }
    }
    const [first, second] = [await run(), await run()]
    expect(second.losses).toEqual(first.losses)
    for (const [name, values] of Object.entries(first.weights)) expect(Buffer.from(second.weights[name].buffer).equals(Buffer.from(values.buffer)), name).toBe(true)
    expect(first.losses.at(-1)!).toBeLessThan(first.losses[0])
  })
})
