import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import type { DigitDataset, ImageSplit } from '../../src/main/engine/data/dataset'
import { FEW_STEPS, MAX_PLANNED_SECONDS, TARGET_STEPS, planTraining, plannedBatchSize } from '../../src/main/engine/learner/plan'
import { judgeRun } from '../../src/shared/training-plan'

const mnist = loadBuiltinDataset('mnist')

/** The first `per[c]` training images of each class c (and `valid` validation images of each). */
function folderOf(per: readonly number[], valid = 2, labelNames = mnist.labelNames.slice(0, per.length)): DigitDataset {
  const take = (split: ImageSplit, counts: readonly number[]): ImageSplit => {
    const rows: number[] = []
    counts.forEach((n, c) => {
      for (let i = 0; i < split.count && rows.filter((r) => split.labels[r] === c).length < n; i++) if (split.labels[i] === c) rows.push(i)
    })
    const pixels = new Uint8Array(rows.length * 784)
    rows.forEach((row, i) => pixels.set(split.pixels.subarray(row * 784, (row + 1) * 784), i * 784))
    return { pixels, labels: Int32Array.from(rows, (row) => split.labels[row]), count: rows.length }
  }
  return { ...mnist, name: 'folder', labelNames, train: take(mnist.train, per), valid: take(mnist.valid, per.map(() => valid)) }
}

describe('a run planned from the number of images', () => {
  it('fine-tunes the MNIST CNN on a folder of digits for about TARGET_STEPS steps, and says so', () => {
    const plan = planTraining(folderOf(new Array(10).fill(8)), { choice: { kind: 'auto' } })
    expect(plan.start).toEqual({ kind: 'pretrained', name: 'MNIST CNN', head: 'kept', keptLabels: mnist.labelNames })
    expect(plan.config).toMatchObject({ model: { kind: 'cnn' }, loss: 'ce', batchSize: 16, start: { kind: 'pretrained', id: 'mnist-cnn' } })
    expect(plan.stepsPerEpoch).toBe(5)
    expect(plan.steps).toBe(plan.config.epochs * 5)
    expect(plan.steps).toBeGreaterThanOrEqual(TARGET_STEPS.fineTune)
    expect(plan.steps).toBeLessThan(TARGET_STEPS.fineTune + 5)
    expect(plan.freezeEpochs).toBeGreaterThanOrEqual(1)
    expect(plan.freezeEpochs).toBeLessThan(plan.config.epochs)
    expect(plan.config.fineTune?.freezeEpochs).toBe(plan.freezeEpochs)
    expect(plan.estimatedSeconds).toBeGreaterThan(0)
    expect(plan.summary).toMatch(/^Fine-tune MNIST CNN keeping its outputs for 0, 1, .*9: the first \d+ epochs? train the output layer only, then every layer; \d+ epochs × 5 steps = \d+ optimizer steps in batches of 16, about \d+ s\.$/)
  })

  it('trains from scratch when asked, for more steps', () => {
    const plan = planTraining(folderOf(new Array(10).fill(8)), { choice: { kind: 'scratch' } })
    expect(plan.start).toEqual({ kind: 'scratch' })
    expect(plan.config.fineTune).toBeUndefined()
    expect(plan.steps).toBeGreaterThanOrEqual(TARGET_STEPS.scratch)
    expect(plan.summary).toMatch(/^Train the CNN from scratch/)
  })

  it('keeps only a subset’s rows, and gives other labels a fresh head', () => {
    expect(planTraining(folderOf([0, 0, 0, 50, 0, 0, 0, 50].filter((n) => n > 0), 2, ['3', '7']), { choice: { kind: 'auto' } }).start).toMatchObject({ head: 'kept', keptLabels: ['3', '7'] })
    expect(planTraining(folderOf([20, 20], 2, ['circle', 'cross']), { choice: { kind: 'auto' } }).start).toMatchObject({ head: 'fresh', keptLabels: [] })
  })

  it('sizes batches to the folder and caps a large one in time', () => {
    expect([10, 80, 400, 5000, 60000].map(plannedBatchSize)).toEqual([16, 16, 64, 128, 128])
    const plan = planTraining(mnist, { choice: { kind: 'auto' } })
    expect(plan.config.epochs).toBeGreaterThanOrEqual(1)
    expect(plan.estimatedSeconds).toBeLessThanOrEqual(MAX_PLANNED_SECONDS * 1.5)
    const huge: DigitDataset = { ...mnist, train: { pixels: mnist.train.pixels, labels: new Int32Array(1_000_000).map((_, i) => i % 10), count: 1_000_000 } }
    const scratch = planTraining(huge, { choice: { kind: 'scratch' } })
    expect(scratch.config.epochs).toBe(1)
    expect(scratch.warnings.map((w) => w.kind)).toContain('time-capped')
    expect(scratch.warnings.find((w) => w.kind === 'time-capped')!.message).toMatch(/^One epoch of 1000000 images takes about \d+ s; the plan trains one/)
  })

  it('warns of a class with very few images, and of a tiny validation split, saying what to do', () => {
    const plan = planTraining(folderOf([10, 10, 3]), { choice: { kind: 'auto' } })
    const small = plan.warnings.filter((w) => w.kind === 'small-class')
    expect(small.map((w) => w.message)).toEqual(['Class "2" has only 3 training images: add images to it (10 or more per class) for the model to learn it.'])
    expect(plan.warnings.find((w) => w.kind === 'small-validation')?.message).toMatch(/only 6 validation images.*add images/)
    const noValid = planTraining(folderOf([10, 10], 0), { choice: { kind: 'scratch' } })
    expect(noValid.warnings.filter((w) => w.kind === 'no-valid-images')).toHaveLength(2)
  })

  it('warns of a run of very few steps when its epochs are cut', () => {
    const plan = planTraining(folderOf([10, 10]), { choice: { kind: 'auto' } })
    expect(plan.warnings.some((w) => w.kind === 'few-steps')).toBe(false)
    const oneEpoch = planTraining({ ...mnist, train: { ...mnist.train, count: 30 } }, { choice: { kind: 'auto' } })
    expect(oneEpoch.steps).toBeGreaterThanOrEqual(FEW_STEPS)
  })

  it('refuses the MNIST CNN for images that are not 28×28, and falls back to scratch on auto with a note', () => {
    const big: DigitDataset = { ...folderOf([10, 10]), height: 32, width: 32, train: { pixels: new Uint8Array(20 * 1024), labels: new Int32Array(20).map((_, i) => i % 2), count: 20 }, valid: { pixels: new Uint8Array(4 * 1024), labels: Int32Array.from([0, 1, 0, 1]), count: 4 } }
    expect(() => planTraining(big, { choice: { kind: 'pretrained', id: 'mnist-cnn' } })).toThrow(/reads 28×28 images; these are 32×32/)
    const plan = planTraining(big, { choice: { kind: 'auto' } })
    expect(plan.start.kind).toBe('scratch')
    expect(plan.warnings[0]).toMatchObject({ kind: 'start-unavailable' })
  })
})

describe('the result told against where it started', () => {
  const epoch = (i: number, validLoss: number) => ({ epoch: i, trainLoss: 0.1, validLoss, metrics: { accuracy: 0.9 }, seconds: 1 })
  it('says plainly when a run ends below its starting point, or its validation loss rose', () => {
    const worse = judgeRun({ loss: 0.1, metrics: { accuracy: 0.95 } }, { loss: 0.2, metrics: { accuracy: 0.9 } }, [epoch(0, 0.1), epoch(1, 0.2)])
    expect(worse.map((w) => w.kind)).toEqual(['worse-than-start', 'valid-loss-rose'])
    expect(worse[0].message).toBe("The result (90.0%) is below the starting point's own 95.0% on the same images: fewer epochs or a lower learning rate may keep what it knew; the starting point itself is the better model here.")
    expect(worse[1].message).toMatch(/^Validation loss rose from 0\.100 \(epoch 1\) to 0\.200/)
  })

  it('is silent about a run that improved', () => {
    expect(judgeRun({ loss: 0.3, metrics: { accuracy: 0.9 } }, { loss: 0.1, metrics: { accuracy: 0.97 } }, [epoch(0, 0.2), epoch(1, 0.1)])).toEqual([])
    expect(judgeRun(null, { loss: 0.1, metrics: { accuracy: 0.97 } }, [epoch(0, 0.1), epoch(1, 0.105)])).toEqual([])
  })
})
