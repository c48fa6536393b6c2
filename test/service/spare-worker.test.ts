import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { SpareWorker } from '../../src/main/service/spare-worker'
import { TRAINING_WORKER_LIMITS, TrainingRun } from '../../src/main/service/training-run'
import { defaultTrainingConfig } from '../../src/shared/training'
import { everyNth } from '../helpers/datasets'

const small = everyNth(loadBuiltinDataset('mnist-sample'), 20)
const config = { ...defaultTrainingConfig('linear', 2), epochs: 1 }

describe('SpareWorker: the next run’s worker, started ahead', () => {
  it('hands out the warm worker once, then a new one; a run in the spare trains the same losses as in a new worker', async () => {
    const spare = new SpareWorker(TRAINING_WORKER_LIMITS)
    spare.warm()
    await spare.ready()
    const warm = spare.take()
    const fresh = spare.take()
    expect(fresh).not.toBe(warm)
    const [inSpare, inFresh] = await Promise.all([new TrainingRun(small, config, () => {}, warm).outcome, new TrainingRun(small, config, () => {}, fresh).outcome])
    expect(inSpare.status).toBe('completed')
    expect(inSpare.batchLosses).toEqual(inFresh.batchLosses)
    spare.close()
  })

  it('once closed, ends its spare and starts none: a run then gets a new worker', async () => {
    const spare = new SpareWorker(TRAINING_WORKER_LIMITS)
    spare.warm()
    spare.close()
    spare.warm()
    await expect(spare.ready()).resolves.toBeUndefined()
    const outcome = await new TrainingRun(small, config, () => {}, spare.take()).outcome
    expect(outcome.status).toBe('completed')
  })
})
