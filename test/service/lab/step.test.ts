import { beforeAll, describe, expect, it } from 'vitest'
import { importDataset } from '../../../src/main/datasets'
import { createLearner, type DigitDataset } from '../../../src/main/engine'
import type { DigitLabService } from '../../../src/main/service/digit-lab-service'
import { defaultTrainingConfig } from '../../../src/shared/training'
import { labService } from './lab-fixture'

describe('Lab panel 6: step the real model', () => {
  let service: DigitLabService
  let data: DigitDataset
  beforeAll(async () => {
    ;({ service } = await labService())
    data = (await importDataset('mnist-sample', {})).dataset
  })

  it("takes a training run's first step, bit for bit: its batch, its loss, its weights, its validation accuracy", async () => {
    await service.labResetModel({ model: 'linear' })
    const reply = await service.labStep({ model: 'linear', lr: 1, batchSize: 256, steps: 1 })
    const config = { ...defaultTrainingConfig('linear', 2), seed: 42, lr: 1, batchSize: 256 }
    const learner = createLearner(data, config)
    const { x, y } = learner.dls.train.batches().next().value!
    expect(reply.images.size).toBe(256)
    expect(reply.images.perClass.reduce((a, b) => a + b)).toBe(256)
    expect(reply.images.perClass[0]).toBe(y.data.reduce((n: number, t: number) => n + t, 0))
    expect(reply.loss).toBe(learner.trainStep(x, y, { epoch: 0, batch: 0 }))
    expect(reply.accuracy.after).toBe(learner.validate().metrics.batch_accuracy)
    const weight = learner.model.namedParameters()[0][1]
    for (const u of reply.updates.filter((u) => u.name === '1.weight')) {
      expect(u.after).toBe(weight.data[u.index])
      expect(Math.abs(u.after - (u.before - reply.lr * u.grad))).toBeLessThan(1e-6 * Math.max(1, Math.abs(u.before)))
    }
    expect(reply.gradient.values).toHaveLength(784)
    expect(reply.model.history).toBe('made from seed 42, then 1 step by hand')
  })

  it('keeps going, batch after batch, and a reset starts from the seed again', async () => {
    const first = await service.labStep({ model: 'linear', lr: 1, batchSize: 256, steps: 4 })
    expect(first.batch).toBe(4)
    expect(first.history).toHaveLength(5)
    expect(first.accuracy.before).toBe(first.history[3].accuracy)
    expect(first.history.at(-1)!.accuracy).toBeGreaterThan(first.history[0].accuracy)
    expect((await service.labResetModel({ model: 'linear' })).steps).toBe(0)
    const again = await service.labStep({ model: 'linear', lr: 1, batchSize: 256, steps: 1 })
    expect(again.history).toHaveLength(1)
  })

  it('steps simple_net, showing the hidden unit the batch moves most', async () => {
    const reply = await service.labStep({ model: 'simple_net', lr: 0.1, batchSize: 64, steps: 1 })
    expect(reply.gradient.rows).toBe(30)
    expect(reply.gradient.name).toBe('1.weight')
    expect(reply.updates.at(-1)!.name).toBe('1.bias')
    expect(reply.updates.at(-1)!.index).toBe(reply.gradient.row)
    expect(reply.milliseconds).toBeGreaterThanOrEqual(0)
  })
})
