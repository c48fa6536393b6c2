import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { createLearner, TrainingDivergedError } from '../../src/main/engine'
import { everyNth } from '../helpers/datasets'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'

const sample = loadBuiltinDataset('mnist-sample')

const small = everyNth(sample, 10)
const config = (overrides: Partial<TrainingConfig> = {}): TrainingConfig => ({ ...defaultTrainingConfig('simple_net', 2), epochs: 2, ...overrides })

describe('Learner', () => {
  it('makes the loss fall and records every batch and epoch', async () => {
    const learner = createLearner(small, config({ epochs: 3 }))
    const before = learner.validate().loss
    await learner.fit(3)
    const batches = Math.ceil(small.train.count / 256)
    expect(learner.recorder.batchLosses).toHaveLength(3 * batches)
    expect(learner.recorder.epochs.map((row) => row.epoch)).toEqual([0, 1, 2])
    expect(learner.recorder.last!.validLoss).toBeLessThan(before)
    expect(learner.recorder.last!.metrics.batch_accuracy).toBeGreaterThan(0.9)
  })

  it('gives the same losses, bit for bit, for the same seed', async () => {
    const run = async (seed: number) => {
      const learner = createLearner(small, config({ seed }))
      await learner.fit(2)
      return learner.recorder.batchLosses
    }
    const [first, second, other] = [await run(7), await run(7), await run(8)]
    expect(second).toEqual(first)
    expect(other).not.toEqual(first)
  })

  it('continues numbering epochs and extending curves across fit calls', async () => {
    const learner = createLearner(small, config())
    await learner.fit(1)
    await learner.fit(1)
    expect(learner.recorder.epochs.map((row) => row.epoch)).toEqual([0, 1])
  })

  it('stops within one batch when aborted and keeps what it learned', async () => {
    const stop = new AbortController()
    let batches = 0
    const learner = createLearner(small, config({ epochs: 5 }), [
      { afterBatch: () => ++batches === 3 && stop.abort() },
    ])
    const result = await learner.fit(5, undefined, stop.signal)
    expect(result.completed).toBe(false)
    expect(learner.recorder.batchLosses).toHaveLength(3)
    expect(learner.validate().loss).toBeLessThan(0.5)
  })

  it('stops a diverging run, keeps the last good weights and says what to do', async () => {
    let lastGood: Record<string, Float32Array> = {}
    const learner = createLearner(small, config({ lr: 1e30, loss: 'ce' }), [
      { beforeBatch: (l) => (lastGood = l.model.stateDict()) },
    ])
    const failure = await learner.fit(3).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(TrainingDivergedError)
    expect((failure as Error).message).toMatch(/not a finite number.*learning rate about 10× lower/)
    for (const [name, values] of Object.entries(learner.model.stateDict())) {
      expect(values.every(Number.isFinite)).toBe(true)
      expect(values).toEqual(lastGood[name])
    }
  })

  it('refuses the mnist loss on more than two classes, naming the fix', () => {
    const mnist = { ...small, labelNames: ['0', '1', '2'] }
    expect(() => createLearner(mnist, config())).toThrow(/needs exactly 2 classes; this dataset has 3: use --loss ce/)
  })
})
