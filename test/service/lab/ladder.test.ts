import { describe, expect, it } from 'vitest'
import { importDataset } from '../../../src/main/datasets'
import { createLearner, fitFromConfig } from '../../../src/main/engine'
import { DigitLabService } from '../../../src/main/service/digit-lab-service'
import type { LadderView } from '../../../src/shared/lab'
import { defaultTrainingConfig, type TrainingConfig } from '../../../src/shared/training'

describe('Lab panel 9: the model ladder', () => {
  it('fills pixel similarity and linear in order, each as a run of the same config would, and the Lab adopts the trained linear model', async () => {
    const ladders: LadderView[] = []
    const service = new DigitLabService({ version: 'test', emit: (event) => event.kind === 'lab' && event.event.kind === 'ladder' && ladders.push(event.event.ladder) })
    await service.openSample('mnist-sample')
    const started = await service.labTrain({ models: ['linear', 'pixel'], epochs: 'one' })
    expect(started.running).toBe(true)
    expect(started.rows.map((r) => [r.kind, r.status])).toEqual([['pixel', 'training'], ['linear', 'queued'], ['simple_net', 'not run'], ['cnn', 'not run'], ['resnet18', 'not run']])
    expect(started.rows[1]).toMatchObject({ parameters: 785, recipe: 'SGD lr 1, 1 epoch, batch 256, mnist_loss' })
    await expect(service.labTrain({ models: ['cnn'], epochs: 'one' })).rejects.toThrow(/stop it before/)
    await expect.poll(() => ladders.at(-1)?.running, { timeout: 30_000 }).toBe(false)
    const [pixel, linear] = ladders.at(-1)!.rows
    expect(pixel).toMatchObject({ status: 'done', parameters: 0 })
    expect(pixel.accuracy).toBeCloseTo(0.9514, 4)
    expect(linear.status).toBe('done')
    const config = { ...defaultTrainingConfig('linear', 2), seed: 42, epochs: 1 }
    const learner = createLearner((await importDataset('mnist-sample', {})).dataset, config)
    await fitFromConfig(learner, config)
    expect(linear.accuracy).toBe(learner.recorder.epochs[0].metrics.batch_accuracy)
    expect(ladders.some((l) => l.rows[1].status === 'training')).toBe(true)
    const weights = await service.labWeights({ model: 'linear' })
    expect(weights.model.trained).toBe(true)
    expect(weights.model.history).toMatch(/^trained 1 epoch in the ladder \(accuracy \d{1,3}\.\d\d%\)$/)
    expect(weights.images[0].values).toEqual(Array.from(learner.model.namedParameters()[0][1].data))
    await service.close()
  })

  it('shows the Train view’s runs on the same split as their rungs, and the Lab looks inside the linear model just trained', async () => {
    const ladders: LadderView[] = []
    const service = new DigitLabService({ version: 'test', emit: (event) => event.kind === 'lab' && event.event.kind === 'ladder' && ladders.push(event.event.ladder) })
    await service.openSample('mnist-sample')
    const finished = async (config: TrainingConfig): Promise<void> => {
      await service.startTraining(config)
      await expect.poll(() => service.lastRunOutcome?.epochsDone === config.epochs && ladders.at(-1)?.rows.find((r) => r.kind === config.model.kind)?.from, { timeout: 60_000 }).toBe('train-view')
    }
    const cnn = { ...defaultTrainingConfig('cnn', 2), epochs: 1, seed: 7 }
    await finished(cnn)
    const row = (await service.labLadder()).rows.find((r) => r.kind === 'cnn')!
    expect(row).toMatchObject({ status: 'done', from: 'train-view', epochsDone: 1, message: 'your run in the Train view' })
    expect(row.accuracy).toBe(Object.values(service.lastRunOutcome!.validation!.metrics)[0])

    const linear = { ...defaultTrainingConfig('linear', 2), epochs: 2, seed: 3 }
    await finished(linear)
    const weights = await service.labWeights({ model: 'linear' })
    expect(weights.model.history).toMatch(/^your run in the Train view: 2 epochs \(accuracy \d{1,3}\.\d\d%\)$/)
    expect(weights.images[0].values).toEqual(Array.from(service.lastRunOutcome!.state!['1.weight']))
    await service.close()
  })

  it('refuses up front what would not fit in memory, and stops within a batch', async () => {
    const small = new DigitLabService({ version: 'test', emit: () => undefined, memoryBudget: 1 })
    await small.openSample('mnist-sample')
    await expect(small.labTrain({ models: ['pixel', 'cnn'], epochs: 'one' })).rejects.toThrow(/memory|MB/)
    expect((await small.labLadder()).running).toBe(false)
    const service = new DigitLabService({ version: 'test', emit: () => undefined })
    await service.openSample('mnist-sample')
    await service.labTrain({ models: ['cnn', 'resnet18'], epochs: 'chapter' })
    await expect.poll(async () => (await service.labLadder()).rows[3].status, { timeout: 30_000 }).toBe('training')
    await service.labStopTraining()
    await expect.poll(async () => (await service.labLadder()).running, { timeout: 30_000 }).toBe(false)
    const rows = (await service.labLadder()).rows
    expect(rows[3].status).toBe('stopped')
    expect(rows[4]).toMatchObject({ status: 'not run', message: 'stopped before it started' })
    await service.close()
  })
})
