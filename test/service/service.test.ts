import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dispatch } from '../../src/main/ipc/dispatch'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { defaultTrainingConfig } from '../../src/shared/training'
import { digitFolder, eventually, finished, modelReady, service } from './service-helpers'
import { tempFolder } from '../helpers/temp-folder'

describe('DigitLabService', () => {
  it('opens the built-in sample and pages its images, by class', async () => {
    const { service: app } = service()
    const view = await app.openSample('mnist-sample')
    expect(view.labelNames).toEqual(['3', '7'])
    expect(view.classes.map((c) => [c.train, c.valid])).toEqual([[6131, 1010], [6265, 1028]])
    expect(Buffer.from(view.classes[0].mean, 'base64')).toHaveLength(784)
    const sevens = await app.imagePage({ split: 'valid', label: 1, offset: 5, limit: 3 })
    expect(sevens.total).toBe(1028)
    expect(sevens.images.map((image) => [image.index, image.label])).toEqual([[1015, 1], [1016, 1], [1017, 1]])
    expect(Buffer.from(sevens.images[0].pixels, 'base64')).toHaveLength(784)
  })

  it('imports a folder with progress events, skipping a broken file with its reason', async () => {
    const { service: app, events } = service()
    const view = await app.openFolder(await digitFolder(), { validPercent: 25, seed: 1 })
    expect(view.layout).toBe('class-folders')
    expect(view.images).toEqual({ train: 18, valid: 6 })
    expect(view.skipped).toHaveLength(1)
    expect(view.skipped[0].file).toMatch(/broken\.png$/)
    const progress = events.filter((e) => e.kind === 'import')
    expect(progress.length).toBeGreaterThan(0)
    const last = progress.at(-1)
    expect(last?.kind === 'import' && last.progress.done === last.progress.total).toBe(true)
  })

  it('trains on the open dataset in a worker and streams events tagged with the run', async () => {
    const { service: app, events } = service()
    await app.openFolder(await digitFolder(), { validPercent: 25 })
    const { runId } = await app.startTraining({ ...defaultTrainingConfig('linear', 2), epochs: 3, batchSize: 8 })
    await expect(app.startTraining(defaultTrainingConfig('linear', 2))).rejects.toThrow(/in progress/)
    await eventually(events, finished)
    expect(app.lastRunOutcome?.status).toBe('completed')
    const mine = events.filter((e) => e.kind === 'training' && e.runId === runId)
    expect(mine.filter((e) => e.kind === 'training' && e.event.kind === 'epoch')).toHaveLength(3)
    expect(mine.at(-1)).toMatchObject({ event: { kind: 'finished', status: 'completed', epochsDone: 3 } })
  })

  it('refuses to train with no dataset open, saying what to do', async () => {
    await expect(service().service.startTraining(defaultTrainingConfig('linear', 2))).rejects.toThrow(/open a sample or a folder first/)
  })
})

describe('dispatch', () => {
  it('refuses unknown functions and arguments off the schema before anything runs', async () => {
    const { service: app } = service()
    await expect(dispatch(app, 'deleteEverything', [])).rejects.toThrow(/unknown api function "deleteEverything"/)
    await expect(dispatch(app, 'openSample', ['imagenet'])).rejects.toThrow(/openSample: invalid arguments/)
    await expect(dispatch(app, 'startTraining', [{ ...defaultTrainingConfig('linear', 2), lr: -1 }])).rejects.toThrow(/invalid arguments/)
    await expect(dispatch(app, 'imagePage', [{ split: 'train', offset: 0, limit: 10 }])).rejects.toThrow(/no dataset is open/)
    await expect(dispatch(app, 'engineStatus', 'not-an-array')).rejects.toThrow(/invalid arguments/)
    expect(await dispatch(app, 'engineStatus', [])).toMatchObject({ ready: true })
  })
})

describe('DigitLabService models: Draw and Export', () => {
  async function trained() {
    const { service: app, events } = service()
    await app.openSample('mnist-sample')
    await app.startTraining({ ...defaultTrainingConfig('simple_net', 2), epochs: 1 })
    await eventually(events, modelReady)
    return { app, events }
  }

  it('classifies a drawing with onnxruntime running the trained model, and exports it with proven parity', async () => {
    const { app, events } = await trained()
    const model = events.find((e) => e.kind === 'model')
    expect(model).toMatchObject({ model: { origin: 'trained', name: 'simple_net', labels: ['3', '7'], exportable: true } })
    expect(await app.currentModel()).toMatchObject({ origin: 'trained' })
    const seven = (await app.imagePage({ split: 'valid', label: 1, offset: 0, limit: 1 })).images[0]
    const result = await app.classify(seven.pixels)
    expect(result.best).toBe('7')
    expect(result.probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 5)

    const download = await app.exportOnnx({})
    expect(download.parity.argmaxAgreement).toBe(1)
    expect(download.parity.maxLogitDelta).toBeLessThanOrEqual(1e-4)
    const folder = await tempFolder('export')
    const written = await app.exportOnnx({ path: join(folder, 'model.onnx') })
    expect(written.base64).toBeNull()
    const reopened = await app.openModel(join(folder, 'model.onnx'))
    expect(reopened).toMatchObject({ origin: 'file', ours: true, labels: ['3', '7'], exportable: false, epochs: 1 })
    expect(Buffer.from(download.base64!, 'base64').length).toBe(written.bytes)
    expect((await app.classify(seven.pixels)).best).toBe('7')
    await expect(app.exportOnnx({})).rejects.toThrow(/already an export/)
    await app.close()
  })

  it('opens another producer\'s digit model, and refuses a file that is not one', async () => {
    const { service: app } = service()
    await expect(app.classify(Buffer.alloc(784).toString('base64'))).rejects.toThrow(/no model yet/)
    const view = await app.openModel('test/fixtures/onnx/foreign-mnist.onnx')
    expect(view).toMatchObject({ origin: 'file', ours: false })
    expect((await app.classify(Buffer.alloc(784).toString('base64'))).probabilities).toHaveLength(10)
    const folder = await tempFolder('bad-model')
    await writeFile(join(folder, 'bad.onnx'), 'not a model at all')
    await expect(app.openModel(join(folder, 'bad.onnx'))).rejects.toThrow(`${join(folder, 'bad.onnx')}: not an ONNX model, or a truncated one`)
    await app.close()
  })
})

describe('DigitLabService paths in Electron', () => {
  it('writes an export only where the user chose in the save dialog', async () => {
    const folder = await tempFolder('picked')
    const chosen = join(folder, 'chosen.onnx')
    const app = new DigitLabService({ version: 'test', emit: () => {}, pickPath: async () => chosen, writeOnlyPickedPaths: true })
    await expect(app.exportOnnx({ path: join(folder, 'elsewhere.onnx') })).rejects.toThrow(/choose where to save the model with the Export dialog/)
    expect(await app.pickPath('export-onnx')).toBe(chosen)
    await expect(app.exportOnnx({ path: chosen })).rejects.toThrow(/no model yet/)
  })
})

describe('DigitLabService: the learning-rate finder and interpretation', () => {
  it('sweeps learning rates in a worker and suggests one, naming its rule, leaving the model alone', async () => {
    const { service: app, events } = service()
    await app.openSample('mnist-sample')
    const result = await app.lrFind({ ...defaultTrainingConfig('simple_net', 2) })
    expect(result.lrs.length).toBeGreaterThan(10)
    expect(result.losses).toHaveLength(result.lrs.length)
    expect(result.suggestion.rule).toBe('valley')
    expect(result.suggestion.lr).toBeGreaterThan(1e-4)
    expect(result.suggestion.lr).toBeLessThan(10)
    expect(events.some((e) => e.kind === 'training' && e.event.kind === 'lr-find-step')).toBe(true)
    expect(await app.currentModel()).toBeNull()
    expect(await app.interpretation()).toBeNull()
  })

  it('interprets the trained model: confusion matrix, the images behind each cell, top losses', async () => {
    const { service: app, events } = service()
    await app.openSample('mnist-sample')
    await app.startTraining({ ...defaultTrainingConfig('linear', 2), epochs: 1 })
    await eventually(events, finished)
    const done = events.find(finished)
    const view = await app.interpretation()
    expect(view!.labels).toEqual(['3', '7'])
    expect(view!.confusion.flat().reduce((a, b) => a + b)).toBe(2038)
    expect(view!.predicted).toHaveLength(2038)
    // Each cell's images are the positions with its actual and predicted class.
    for (const [a, row] of view!.confusion.entries()) {
      for (const [p, n] of row.entries()) expect(view!.actual.filter((actual, i) => actual === a && view!.predicted[i] === p)).toHaveLength(n)
    }
    const correct = view!.confusion[0][0] + view!.confusion[1][1]
    expect(done).toMatchObject({ event: { validation: { metrics: { batch_accuracy: correct / 2038 } } } })
    const wrongSevens = view!.predicted.flatMap((p, i) => (i >= 1010 && p === 0 ? [i] : []))
    expect(wrongSevens).toHaveLength(view!.confusion[1][0])
    const images = await app.imagesAt({ split: 'valid', indices: wrongSevens.slice(0, 3) })
    expect(images.map((image) => image.label)).toEqual(wrongSevens.slice(0, 3).map(() => 1))
    expect(view!.topLosses[0].loss).toBeGreaterThanOrEqual(view!.topLosses.at(-1)!.loss)
    expect(await app.currentDataset()).toMatchObject({ name: 'mnist-sample' })
    await expect(app.imagesAt({ split: 'valid', indices: [99999] })).rejects.toThrow(/image 99999 does not exist: the valid split has 2038 images/)
    await app.close()
  })

  it('reports pixel similarity\'s validation accuracy though it trains no epoch', async () => {
    const { service: app, events } = service()
    await app.openSample('mnist-sample')
    await app.startTraining(defaultTrainingConfig('pixel', 2))
    await eventually(events, modelReady)
    const done = events.find(finished)
    expect(done?.kind === 'training' && done.event.kind === 'finished' && done.event.validation?.metrics.accuracy).toBeCloseTo(0.9514, 4)
    expect(await app.currentModel()).toMatchObject({ name: 'pixel', accuracy: expect.closeTo(0.9514, 4) })
    await app.close()
  })
})
