import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { createLearner, perClassAccuracy, predictClasses } from '../../src/main/engine'
import { defaultTrainingConfig } from '../../src/shared/training'
import type { ModelKind } from '../../src/shared/models'

// The chapter's recipes with Digit Lab's defaults, against the accuracies PyTorch reaches with the
// same recipes on this machine (../shared/CHAPTER.md) and the acceptance bars.
const sample = loadBuiltinDataset('mnist-sample')
const mnist = loadBuiltinDataset('mnist')

async function trainDefault(kind: ModelKind, dataset = sample) {
  const config = defaultTrainingConfig(kind, dataset.labelNames.length)
  const learner = createLearner(dataset, config)
  await learner.fit(config.epochs)
  const perClass = perClassAccuracy(predictClasses(learner.model, learner.dls.valid), dataset.valid.labels, dataset.labelNames.length)
  return { accuracy: Object.values(learner.validate().metrics)[0], perClass, learner }
}

describe('the chapter on mnist-sample', () => {
  it('pixel similarity (L1) matches PyTorch: 0.9168 on 3s, 0.9854 on 7s', async () => {
    const { accuracy, perClass } = await trainDefault('pixel')
    expect(perClass[0]).toBeCloseTo(0.9168, 3)
    expect(perClass[1]).toBeCloseTo(0.9854, 3)
    expect(Math.abs(accuracy - 0.9511)).toBeLessThan(0.01)
  })

  it('linear 784→1, mnist loss, SGD lr 1.0, 20 epochs reaches ≥ 0.965', async () => {
    const { accuracy, learner } = await trainDefault('linear')
    expect(learner.epochsDone).toBe(20)
    expect(accuracy).toBeGreaterThanOrEqual(0.965)
  })

  it('simple_net 784-30-1, lr 0.1, 40 epochs reaches ≥ 0.98', async () => {
    const { accuracy, learner } = await trainDefault('simple_net')
    expect(learner.epochsDone).toBe(40)
    expect(accuracy).toBeGreaterThanOrEqual(0.98)
  })
})

describe('all ten digits (mnist)', () => {
  it('linear with cross-entropy reaches ≥ 0.91', async () => {
    expect((await trainDefault('linear', mnist)).accuracy).toBeGreaterThanOrEqual(0.91)
  })

  it('MLP 784-100-10 reaches ≥ 0.97 after 5 epochs', async () => {
    const { accuracy, learner } = await trainDefault('mlp', mnist)
    expect(learner.epochsDone).toBe(5)
    expect(accuracy).toBeGreaterThanOrEqual(0.97)
  })
})
