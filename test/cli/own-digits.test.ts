import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDataset } from '../../src/main/datasets'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { planTraining } from '../../src/main/engine/learner/plan'
import { createLearner, fitFromConfig } from '../../src/main/engine/learner/recipe'
import { runPredict } from '../../src/main/cli/predict'
import { runTrain } from '../../src/main/cli/train'
import { capture } from '../helpers/capture'
import { accuracyOn, writeMixedDigitFolder } from '../helpers/mixed-digits'
import { writeShapeFolder } from '../helpers/shapes'
import { tempFolder } from '../helpers/temp-folder'

// The acceptance runs, on folders made from MNIST *test* images (which the starting point never saw) in
// mixed encodings and polarities. Wall times are printed for the report, never asserted.
describe('your own digits, with no settings touched', () => {
  it('train --data SMALL --export m.onnx, then predict m.onnx OTHER: ≥ 0.98 on 500 other images', async () => {
    const root = await tempFolder('own-digits')
    const small = await writeMixedDigitFolder(join(root, 'small'), { perClass: 10 })
    const other = await writeMixedDigitFolder(join(root, 'other'), { perClass: 50, skip: 10 })
    const model = join(root, 'm.onnx')
    const started = performance.now()
    const { stream, lines } = capture()
    const summary = await runTrain(['--data', small, '--export', model], stream)
    const seconds = (performance.now() - started) / 1000
    expect(lines[0]).toMatch(/^Fine-tune MNIST CNN keeping its outputs for 0, 1, 2, 3, 4, 5, 6, 7, 8, 9: /)
    expect(lines.some((line) => /^before training, MNIST CNN scores [01]\.\d{4} on these 20 validation images$/.test(line))).toBe(true)
    expect(summary.plan?.start).toMatchObject({ kind: 'pretrained', head: 'kept' })
    expect(summary.before?.accuracy).toBeGreaterThan(0.5)
    const predicted = await runPredict([model, other, '--json'], capture().stream)
    console.log(`acceptance: SMALL (100 images) → train ${seconds.toFixed(1)} s, accuracy on OTHER (500) ${predicted.accuracy}`)
    expect(predicted.labelled).toBe(500)
    expect(predicted.accuracy).toBeGreaterThanOrEqual(0.98)
  }, 600_000)

  it('fine-tunes a subset (3 and 7, 50 images each) with their pretrained rows: ≥ 0.99 on MNIST_SAMPLE’s validation images', async () => {
    const folder = await writeMixedDigitFolder(await tempFolder('own-digits-37'), { digits: [3, 7], perClass: 50 })
    const dataset = await openDataset(folder)
    const plan = planTraining(dataset, { choice: { kind: 'auto' } })
    expect(plan.start).toMatchObject({ head: 'kept', keptLabels: ['3', '7'] })
    const learner = createLearner(dataset, plan.config)
    await fitFromConfig(learner, plan.config)
    const sample = loadBuiltinDataset('mnist-sample')
    const accuracy = accuracyOn(learner.model, { ...sample, train: { ...sample.train, count: 0 } })
    console.log(`acceptance: 3 and 7, 50 each → ${accuracy.toFixed(4)} on MNIST_SAMPLE's 2,038 validation images`)
    expect(accuracy).toBeGreaterThanOrEqual(0.99)
  }, 600_000)

  it('starts labels that are not digits from the MNIST CNN body, never worse than scratch in the same number of steps', async () => {
    const root = await tempFolder('own-shapes')
    const train = await openDataset(await writeShapeFolder(join(root, 'train'), 10, 1))
    const held = await openDataset(await writeShapeFolder(join(root, 'held'), 30, 2))
    const plan = planTraining(train, { choice: { kind: 'auto' } })
    expect(plan.start).toMatchObject({ kind: 'pretrained', head: 'fresh' })
    const scratchPlan = planTraining(train, { choice: { kind: 'scratch' } })
    // the same budget: scratch trains as many optimizer steps as the default does
    const scratch = { ...scratchPlan.config, epochs: plan.config.epochs }
    const score = async (config: typeof plan.config): Promise<number> => {
      const learner = createLearner(train, config)
      await fitFromConfig(learner, config)
      return accuracyOn(learner.model, held)
    }
    const [fromStart, fromScratch] = [await score(plan.config), await score(scratch)]
    console.log(`acceptance: 10 shapes, 10 images each, ${plan.steps} steps → default start ${fromStart.toFixed(4)}, scratch ${fromScratch.toFixed(4)} on 300 other drawings`)
    expect(fromStart).toBeGreaterThanOrEqual(fromScratch)
  }, 600_000)
})
