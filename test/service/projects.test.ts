import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { DigitLabService } from '../../src/main/service/digit-lab-service'
import { createLearner } from '../../src/main/engine/learner/recipe'
import { readProject, writeProject } from '../../src/main/storage/project'
import { openProject, saveProject } from '../../src/main/storage/project-state'
import type { AppEvent, RunStarted } from '../../src/shared/api'
import { defaultTrainingConfig, type EpochRecord, type TrainingConfig } from '../../src/shared/training'
import { mnistSample } from '../onnx/helpers'
import { digitFolder, service } from './service-helpers'
import { tempFolder } from '../helpers/temp-folder'

const config: TrainingConfig = { ...defaultTrainingConfig('simple_net', 2), momentum: 0.9, lr: 0.05 }

/** Start a run and wait until it has finished; its epoch rows. */
async function runToEnd(app: DigitLabService, events: AppEvent[], start: () => Promise<RunStarted>): Promise<EpochRecord[]> {
  const { runId } = await start()
  const mine = (): AppEvent[] => events.filter((e) => e.kind === 'training' && e.runId === runId)
  await expect.poll(() => mine().some((e) => e.kind === 'training' && e.event.kind === 'finished'), { timeout: 120_000, interval: 20 }).toBe(true)
  expect(app.lastRunOutcome?.status).toBe('completed')
  return mine().flatMap((e) => (e.kind === 'training' && e.event.kind === 'epoch' ? [e.event.record] : []))
}

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]))
const losses = (records: readonly EpochRecord[]) => records.map((r) => [r.epoch, r.trainLoss, r.validLoss])

describe('projects in the app: save, open, continue training', () => {
  it('trained 2 epochs, saved, opened in a fresh app and continued 1 epoch in the worker: the uninterrupted 3-epoch run, bit for bit', async () => {
    const straight = service()
    await straight.service.openSample('mnist-sample')
    const uninterrupted = await runToEnd(straight.service, straight.events, () => straight.service.startTraining({ ...config, epochs: 3 }))
    const uninterruptedBatches = straight.service.lastRunOutcome!.batchLosses
    await straight.service.close()

    const first = service()
    await first.service.openSample('mnist-sample')
    await runToEnd(first.service, first.events, () => first.service.startTraining({ ...config, epochs: 2 }))
    expect(await first.service.currentProject()).toMatchObject({ project: { epochsDone: 2, continuable: true, path: null } })
    const folder = await tempFolder('app-project')
    const path = join(folder, 'digits.digitlab')
    const saved = await first.service.saveProject({ path })
    expect(saved).toMatchObject({ path, base64: null, fileName: 'digits.digitlab', epochsDone: 2 })
    expect(first.events.at(-1)).toMatchObject({ kind: 'project', project: { path } })
    await first.service.close()
    // A hidden temporary file a hard kill mid-save left beside it is removed on open; it is never read.
    await writeFile(join(folder, '.digits.digitlab.0123456789ab.tmp'), 'half a project')

    const second = service()
    const opened = await second.service.openProject(path)
    expect(await readdir(folder)).toEqual(['digits.digitlab'])
    expect(opened.project).toMatchObject({ path, epochsDone: 2, continuable: true, problem: null, dataset: { source: 'mnist-sample' } })
    expect(opened.dataset).toMatchObject({ name: 'mnist-sample' })
    expect(opened.model).toMatchObject({ origin: 'trained', name: 'simple_net', epochs: 2, exportable: true })
    expect(losses(opened.history.epochs)).toEqual(losses(uninterrupted.slice(0, 2)))
    const perEpoch = Math.ceil(12_396 / config.batchSize)
    expect(opened.history.epochEnds).toEqual([perEpoch, 2 * perEpoch])
    expect(sameNumbers(opened.history.batchLosses, uninterruptedBatches.slice(0, 2 * perEpoch))).toBe(true)

    const continued = await runToEnd(second.service, second.events, () => second.service.continueTraining({ epochs: 1 }))
    expect(losses(continued)).toEqual(losses(uninterrupted.slice(2)))
    expect(sameNumbers(second.service.lastRunOutcome!.batchLosses, uninterruptedBatches)).toBe(true)
    const now = await second.service.currentProject()
    expect(now?.project).toMatchObject({ epochsDone: 3, path, continuable: true })
    expect(losses(now!.history.epochs)).toEqual(losses(uninterrupted))
    await expect.poll(async () => (await second.service.currentModel())?.epochs).toBe(3)

    // Saved again, the file holds all three epochs; a save into a missing folder fails and loses nothing.
    await second.service.saveProject({ path })
    expect((await openProject(path)).history.epochs).toHaveLength(3)
    await expect(second.service.saveProject({ path: join(folder, 'missing', 'x.digitlab') })).rejects.toThrow(/ENOENT/)
    expect(await readdir(folder)).toEqual(['digits.digitlab'])
    expect((await second.service.currentProject())?.project.path).toBe(path)
    await second.service.close()
  }, 300_000)

  it('downloads a project in browser mode (no path): the bytes are a project that opens', async () => {
    const { service: app, events } = service()
    await app.openSample('mnist-sample')
    await expect(app.saveProject({})).rejects.toThrow(/no project to save yet/)
    await expect(app.continueTraining({ epochs: 1 })).rejects.toThrow(/no project to continue/)
    await runToEnd(app, events, () => app.startTraining({ ...defaultTrainingConfig('linear', 2), epochs: 1 }))
    const reply = await app.saveProject({})
    expect(reply).toMatchObject({ path: null, fileName: 'linear-mnist-sample-1-epochs.digitlab', epochsDone: 1 })
    const path = join(await tempFolder('app-download'), reply.fileName)
    await writeFile(path, Buffer.from(reply.base64!, 'base64'))
    expect((await openProject(path)).history.epochs).toHaveLength(1)
    await app.close()
  }, 120_000)

  it('refuses a foreign, damaged or newer file with the storage layer’s message, keeping what it held', async () => {
    const { service: app } = service()
    const folder = await tempFolder('app-bad-project')
    await writeFile(join(folder, 'junk.digitlab'), 'not a project at all')
    await expect(app.openProject(join(folder, 'junk.digitlab'))).rejects.toThrow(/is not a Digit Lab project, or it is damaged/)
    await expect(app.openProject(join(folder, 'none.digitlab'))).rejects.toThrow(/cannot open/)

    const good = join(folder, 'good.digitlab')
    const untrained = defaultTrainingConfig('linear', 2)
    await saveProject(good, { learner: createLearner(mnistSample(), untrained), config: untrained, dataset: mnistSample(), reference: { source: 'mnist-sample', split: null } })
    const bytes = await readFile(good)
    bytes[bytes.length - 3] ^= 0xff
    await writeFile(join(folder, 'flipped.digitlab'), bytes)
    await expect(app.openProject(join(folder, 'flipped.digitlab'))).rejects.toThrow(/is damaged: its checksum does not match its contents/)
    const project = await readProject(good)
    await writeProject(join(folder, 'newer.digitlab'), { ...project, manifest: { ...project.manifest, version: 2 as 1 } })
    await expect(app.openProject(join(folder, 'newer.digitlab'))).rejects.toThrow(/was saved by a newer Digit Lab \(project format 2; this one reads 1\)/)
    expect(await app.currentProject()).toBeNull()
    await app.openProject(good)
    expect((await app.currentProject())?.project).toMatchObject({ path: good, epochsDone: 0 })
    await app.close()
  }, 60_000)

  it('opens a project whose folder changed or is gone: its history shows and its model draws; Continue and Export say why they cannot run', async () => {
    const { service: app, events } = service()
    const root = await digitFolder()
    await app.openFolder(root, { validPercent: 25, seed: 3 })
    await runToEnd(app, events, () => app.startTraining({ ...defaultTrainingConfig('linear', 2), epochs: 1, batchSize: 8 }))
    const path = join(await tempFolder('app-folder-project'), 'folder.digitlab')
    await app.saveProject({ path })
    await app.close()

    // Reopened as it was: the folder is imported again with the project's split, and it continues.
    const same = service()
    expect((await same.service.openProject(path)).project).toMatchObject({ continuable: true, dataset: { source: root } })
    await same.service.close()

    const pixels = Buffer.alloc(28 * 28, 255)
    await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, '1', 'extra.png'))
    const changed = service()
    const reply = await changed.service.openProject(path)
    expect(reply.project).toMatchObject({ continuable: false, problem: expect.stringMatching(/is not the data this project was trained on any more/) })
    expect(reply.history.epochs).toHaveLength(1)
    // Its model draws all the same; Export waits for the data its check runs on.
    expect(reply.model).toMatchObject({ origin: 'trained', name: 'linear', labels: ['0', '1'], epochs: 1, exportable: false })
    const bar = Buffer.alloc(28 * 28)
    for (let y = 4; y < 24; y++) bar.fill(255, y * 28 + 13, y * 28 + 16)
    expect((await changed.service.classify(bar.toString('base64'))).probabilities).toHaveLength(2)
    await expect(changed.service.exportOnnx({})).rejects.toThrow(/is not open: open it to export/)
    await expect(changed.service.continueTraining({ epochs: 1 })).rejects.toThrow(/is not the data this project was trained on any more/)
    await changed.service.close()

    await rm(root, { recursive: true })
    const gone = service()
    expect((await gone.service.openProject(path)).project.problem).toMatch(/this project was trained on is gone/)
    await expect(gone.service.continueTraining({ epochs: 1 })).rejects.toThrow(/is gone/)
  }, 120_000)

  it('in Electron, saves a project only where the user chose in the save dialog', async () => {
    const folder = await tempFolder('app-picked-project')
    const chosen = join(folder, 'chosen.digitlab')
    const { service: app } = service({ pickPath: async () => chosen, writeOnlyPickedPaths: true })
    await expect(app.saveProject({ path: join(folder, 'elsewhere.digitlab') })).rejects.toThrow(/choose where to save the project with the Save dialog/)
    expect(await app.pickPath('save-project')).toBe(chosen)
    await expect(app.saveProject({ path: chosen })).rejects.toThrow(/no project to save yet/)
    expect(await readdir(folder)).toEqual([])
  })
})
