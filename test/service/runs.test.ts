import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DigitLabService } from '../../src/main/service/digit-lab-service'
import { readProject } from '../../src/main/storage/project'
import { runDifferences, type RunRecord } from '../../src/shared/runs'
import type { AppEvent } from '../../src/shared/api'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'
import { plantedFolder } from '../datasets/planted'
import { tempFolder } from '../helpers/temp-folder'
import { service } from './service-helpers'

const base: TrainingConfig = { ...defaultTrainingConfig('linear', 2), epochs: 3, batchSize: 16 }

async function train(app: DigitLabService, events: AppEvent[], config: TrainingConfig): Promise<void> {
  const { runId } = await app.startTraining(config)
  await expect.poll(() => events.some((e) => e.kind === 'training' && e.runId === runId && e.event.kind === 'finished'), { timeout: 60_000, interval: 20 }).toBe(true)
}

const curve = (run: RunRecord) => ({ name: run.name, config: run.config, startingPoint: run.startingPoint, losses: run.batchLosses, epochs: run.epochs, ends: run.epochEnds, final: run.final })

describe('runs kept to compare', () => {
  it('keeps each run\'s settings, curve, epochs and result, saves them in the project and brings them back', async () => {
    const folder = await plantedFolder(40, 0)
    const first = service()
    await first.service.openFolder(folder.root, {})
    await train(first.service, first.events, base)
    const outcome = first.service.lastRunOutcome!
    await train(first.service, first.events, { ...base, lr: 0.1 })
    const kept = await first.service.runs()
    expect(kept.map((run) => run.name)).toEqual(['Run 1', 'Run 2'])
    expect(kept[0].batchLosses).toEqual(outcome.batchLosses)
    expect(kept[0].epochs).toHaveLength(3)
    expect(kept[0].epochEnds).toEqual([4, 8, 12]) // 64 training images, batches of 16
    expect(kept[0]).toMatchObject({ status: 'completed', startingPoint: 'from scratch (seed 42)', dataset: { source: folder.root } })
    expect(kept[1].final.accuracy).toBe(kept[1].epochs[2].metrics.batch_accuracy)
    expect(kept[0].batchLosses).not.toEqual(kept[1].batchLosses)
    expect(runDifferences(kept)).toEqual(['lr 1', 'lr 0.1'])
    expect(first.events.filter((e) => e.kind === 'runs').map((e) => e.kind === 'runs' && e.runs.length)).toEqual([1, 2])

    const path = join(await tempFolder('runs-project'), 'runs.digitlab')
    await first.service.saveProject({ path })
    expect((await readProject(path)).manifest.runs?.map((run) => run.name)).toEqual(['Run 1', 'Run 2'])
    await first.service.close()

    const second = service()
    await second.service.openProject(path)
    const back = await second.service.runs()
    expect(back.map(curve)).toEqual(kept.map(curve))
    // Opening the same project again does not keep its runs twice; a new run is numbered after them.
    await second.service.openProject(path)
    expect(await second.service.runs()).toHaveLength(2)
    await train(second.service, second.events, { ...base, epochs: 1 })
    expect((await second.service.runs()).map((run) => run.name)).toEqual(['Run 1', 'Run 2', 'Run 3'])
    await second.service.close()
  }, 120_000)

  it('a continued project\'s run starts where the project stood, its curve the project\'s and then its own', async () => {
    const folder = await plantedFolder(20, 0)
    const { service: app, events } = service()
    await app.openFolder(folder.root, {})
    await train(app, events, { ...base, epochs: 2 })
    const { runId } = await app.continueTraining({ epochs: 1 })
    await expect.poll(() => events.some((e) => e.kind === 'training' && e.runId === runId && e.event.kind === 'finished'), { timeout: 60_000, interval: 20 }).toBe(true)
    const [first, continued] = await app.runs()
    expect(continued.startingPoint).toBe('continued from epoch 2 of the last run')
    expect(continued.batchLosses.slice(0, first.batchLosses.length)).toEqual(first.batchLosses)
    expect(continued.epochs).toHaveLength(3)
    expect(runDifferences([first, continued])).toEqual(['epochs 2 · start from scratch (seed 42)', 'epochs 3 · start continued from epoch 2 of the last run'])
    await app.close()
  }, 60_000)
})
