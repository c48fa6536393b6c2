import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Learner } from '../../src/main/engine/learner/learner'
import { createLearner } from '../../src/main/engine/learner/recipe'
import { readProject, writeProject } from '../../src/main/storage/project'
import { openProject, resumeLearner, saveProject } from '../../src/main/storage/project-state'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'
import { mnistSample } from '../onnx/helpers'
import { tempFolder } from '../helpers/temp-folder'

/** Linear on MNIST 3 vs 7 in big batches: 12,396 images make 7 batches an epoch. */
const config: TrainingConfig = { ...defaultTrainingConfig('linear', 2), batchSize: 2048 }
const PER_EPOCH = 7
const reference = { source: 'mnist-sample', split: null }

/** Train one epoch but Stop it after `batches` batches, as the app's Stop button does. */
async function stopAfter(learner: Learner, batches: number): Promise<void> {
  const stop = new AbortController()
  let seen = 0
  const result = await learner.fit(1, undefined, stop.signal, [{ afterBatch: () => ++seen === batches && stop.abort() }])
  expect(result.completed).toBe(false)
}

describe('where each epoch ended, in batches', () => {
  it('counts the batches of an epoch that was stopped part-way, through a save, an open and a continued run', async () => {
    const learner = createLearner(mnistSample(), config)
    await learner.fit(1)
    await stopAfter(learner, 3)
    await learner.fit(1)
    // The stopped epoch's 3 batches lie between the first epoch's end and the second's.
    expect(learner.recorder.epochEnds).toEqual([PER_EPOCH, PER_EPOCH + 3 + PER_EPOCH])
    expect(learner.recorder.batchLosses).toHaveLength(2 * PER_EPOCH + 3)

    const path = join(await tempFolder('epoch-ends'), 'stopped.digitlab')
    await saveProject(path, { learner, config, dataset: mnistSample(), reference })
    const opened = await openProject(path)
    expect(opened.history.epochEnds).toEqual([7, 17])
    const resumed = resumeLearner(opened, mnistSample())
    await resumed.fit(1)
    expect(resumed.recorder.epochEnds).toEqual([7, 17, 24])
  }, 60_000)

  it('takes every epoch as a full pass in a file saved before epoch ends were kept, and refuses ends that do not fit the history', async () => {
    const learner = createLearner(mnistSample(), config)
    await learner.fit(2)
    const folder = await tempFolder('epoch-ends-old')
    const path = join(folder, 'two.digitlab')
    await saveProject(path, { learner, config, dataset: mnistSample(), reference })
    const project = await readProject(path)
    const { epochEnds: _, ...older } = project.manifest.training
    const old = join(folder, 'old.digitlab')
    await writeProject(old, { ...project, manifest: { ...project.manifest, training: older } })
    expect((await openProject(old)).history.epochEnds).toEqual([7, 14])

    const wrong = join(folder, 'wrong.digitlab')
    await writeProject(wrong, { ...project, manifest: { ...project.manifest, training: { ...project.manifest.training, epochEnds: [7, 15] } } })
    await expect(openProject(wrong)).rejects.toThrow(/wrong\.digitlab is damaged: where its epochs ended does not match its history/)
  }, 60_000)
})
