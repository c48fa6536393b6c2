import { totalmem } from 'node:os'
import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { createLearner, type Tensor } from '../../src/main/engine'
import { topologicalOrder } from '../../src/main/engine/autograd'
import { estimateTrainingMemory } from '../../src/main/engine/learner/memory'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { checkMemoryBudget, defaultMemoryBudget, MemoryBudgetError } from '../../src/main/service/memory-budget'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'
import type { ModelKind } from '../../src/shared/models'
import { everyNth } from '../helpers/datasets'
import { recordFigures } from '../helpers/figures'

const dataset = everyNth(loadBuiltinDataset('mnist-sample'), 4)
const config = (kind: ModelKind, overrides: Partial<TrainingConfig> = {}): TrainingConfig => ({ ...defaultTrainingConfig(kind, 2), loss: 'ce', ...overrides })
const MB = 2 ** 20

describe('the engine’s memory estimate for a run', () => {
  it('counts weights, gradients, the optimizer’s state and the dataset exactly', () => {
    const plain = estimateTrainingMemory(dataset, config('simple_net', { optimizer: 'sgd', momentum: 0 }))
    const weights = (784 * 30 + 30 + 30 * 2 + 2) * 4
    expect(plain).toMatchObject({ weights, gradients: weights, optimizerState: 0 })
    expect(estimateTrainingMemory(dataset, config('simple_net', { momentum: 0.9 })).optimizerState).toBe(weights)
    expect(estimateTrainingMemory(dataset, config('simple_net', { optimizer: 'adam' })).optimizerState).toBe(2 * weights)
    expect(plain.dataset).toBe((dataset.train.count + dataset.valid.count) * (784 + 4))
    expect(plain.total).toBe(plain.weights + plain.gradients + plain.optimizerState + plain.activations + plain.dataset)
  })

  it('grows linearly with the batch, is capped by the dataset, and is largest for the largest model', () => {
    const [small, large] = [32, 64].map((batchSize) => estimateTrainingMemory(dataset, config('cnn', { batchSize })))
    expect(large.activations - small.activations).toBeCloseTo(32 * small.bytesPerImage, 0)
    expect(estimateTrainingMemory(dataset, config('cnn', { batchSize: 65_536 })).batchSize).toBe(dataset.train.count)
    const totals = (['linear', 'simple_net', 'cnn', 'resnet18'] as const).map((kind) => estimateTrainingMemory(dataset, config(kind, { batchSize: 64 })).total)
    expect(totals).toEqual([...totals].sort((a, b) => a - b))
    expect(estimateTrainingMemory(dataset, config('pixel')).activations).toBe(0)
  })

  it('agrees with what a forward pass really keeps alive (every tensor its graph holds for backward)', () => {
    const measured: Record<string, { estimatedMB: number; measuredMB: number }> = {}
    for (const kind of ['cnn', 'resnet18'] as const) {
      const run = config(kind, { batchSize: 32 })
      const estimate = estimateTrainingMemory(dataset, run)
      const learner = createLearner(dataset, run)
      const x = learner.dls.train.dataset.batch(Array.from({ length: 32 }, (_, i) => i)).x
      const output = learner.model.forward(x)
      // NOTE: counted from the graph, not from the process's memory: the garbage collector's timing and the
      // ops' reused scratch buffers made a before/after reading of arrayBuffers meaningless (it went negative).
      const params = new Set(learner.model.parameters())
      // A conv fused with its batch norm keeps the conv's output (the size of its own) in its backward closure.
      const heldBy = (t: Tensor): number => t.data.byteLength * (t.gradFn?.opType === 'ConvBatchNormalization' ? 2 : 1)
      const kept = topologicalOrder(output).filter((t) => t !== x && !params.has(t)).reduce((bytes, t) => bytes + heldBy(t), 0)
      expect(output.shape[0]).toBe(32)
      // The estimate holds forward and backward (×2); the forward alone was measured. It must never count
      // less than the graph holds (a run it lets start must fit), and not so much more that it refuses needlessly;
      // it also counts the ops' transient buffers (im2col), which the graph does not hold. (A batch norm and its ReLU
      // are one op, one tensor in the graph: beside ResNet-18's columns the graph's share is ~30%.)
      const ratio = estimate.activations / 2 / kept
      const label = `${kind}: estimated ${(estimate.activations / 2 / MB).toFixed(1)} MB, graph holds ${(kept / MB).toFixed(1)} MB`
      expect(ratio, label).toBeGreaterThanOrEqual(1)
      expect(ratio, label).toBeLessThan(3.5)
      measured[kind] = { estimatedMB: estimate.activations / 2 / MB, measuredMB: kept / MB }
    }
    recordFigures('memory-estimate', { batch: 32, forwardPass: measured })
  })
})

describe('a run that would not fit in memory', () => {
  it('is refused before it starts, with what it needs and the batch size that would fit', async () => {
    const app = new DigitLabService({ version: 'test', emit: () => undefined, memoryBudget: 64 * MB })
    await app.openSample('mnist-sample')
    const error = await app.startTraining(config('cnn', { batchSize: 8192 })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MemoryBudgetError)
    const message = (error as Error).message
    expect(message).toMatch(/^this run would need about \d\.\d GB of memory \(weights and gradients 1 MB, optimizer state 1 MB, activations for a batch of 8192 \d\.\d GB, dataset 11 MB\), more than the 64 MB Digit Lab allows itself: lower the batch size to (\d+) or less, or pick a smaller model$/)
    const fitting = Number(/batch size to (\d+)/.exec(message)![1])
    expect(fitting).toBeGreaterThan(16)
    const estimate = estimateTrainingMemory(loadBuiltinDataset('mnist-sample'), config('cnn', { batchSize: fitting }))
    expect(estimate.total).toBeLessThanOrEqual(64 * MB)
    expect(estimateTrainingMemory(loadBuiltinDataset('mnist-sample'), config('cnn', { batchSize: fitting + 1 })).total).toBeGreaterThan(64 * MB)
  })

  it('suggests a smaller model when no batch size fits, and by default allows half of this computer’s memory', () => {
    const resnet = estimateTrainingMemory(dataset, config('resnet18', { batchSize: 1 }))
    expect(() => checkMemoryBudget(resnet, 100 * MB)).toThrow(/: pick a smaller model \(or a smaller dataset\)$/)
    expect(defaultMemoryBudget()).toBe(Math.floor(totalmem() / 2))
    const whole = estimateTrainingMemory(loadBuiltinDataset('mnist-sample'), config('resnet18', { batchSize: 65_536 }))
    expect(whole.total).toBeGreaterThan(defaultMemoryBudget())
    expect(() => checkMemoryBudget(whole, defaultMemoryBudget())).toThrow(MemoryBudgetError)
  })
})
