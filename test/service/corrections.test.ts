import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CORRECTIONS_FILE } from '../../src/shared/corrections'
import { defaultTrainingConfig } from '../../src/shared/training'
import type { DigitLabService } from '../../src/main/service/digit-lab-service'
import type { AppEvent } from '../../src/shared/api'
import { plantedFolder, type PlantedFolder } from '../datasets/planted'
import { tempFolder } from '../helpers/temp-folder'
import { eventually, finished, service } from './service-helpers'

describe('the service corrects images of the open dataset', () => {
  let app: DigitLabService
  let events: AppEvent[]
  let folder: PlantedFolder
  let data: string

  beforeAll(async () => {
    folder = await plantedFolder(30, 4)
    data = await tempFolder('data')
    ;({ service: app, events } = service({ dataFolder: data }))
  })

  afterAll(() => app.close())

  it('relabels and leaves out, keeps both through a reimport, and undoes them one by one', async () => {
    const first = await app.openFolder(folder.root, {})
    expect(first.corrections).toMatchObject({ entries: [], relabelled: 0, leftOut: 0 })
    const threes = (view: typeof first) => view.classes[0].train + view.classes[0].valid
    const all = (view: typeof first) => view.images.train + view.images.valid
    const relabelled = await app.correctImage({ correction: { file: folder.planted[0], action: 'relabel', label: '3' } })
    expect(threes(relabelled)).toBe(threes(first) + 1)
    const both = await app.correctImage({ correction: { file: folder.planted[1], action: 'leave-out' } })
    expect(both.corrections).toMatchObject({ relabelled: 1, leftOut: 1, elsewhere: null, path: join(folder.root, CORRECTIONS_FILE) })
    expect(all(both)).toBe(all(first) - 1)
    expect(both.lineage).toBe(first.id)
    expect(both.id).not.toBe(first.id)
    // Each names its image's bytes too (SHA-256), so it never applies to another image of that name.
    const sha256 = async (file: string) => createHash('sha256').update(await readFile(join(folder.root, file))).digest('hex')
    expect(JSON.parse(await readFile(join(folder.root, CORRECTIONS_FILE), 'utf8')).corrections).toEqual([
      { file: folder.planted[0], action: 'relabel', label: '3', sha256: await sha256(folder.planted[0]) },
      { file: folder.planted[1], action: 'leave-out', sha256: await sha256(folder.planted[1]) },
    ])
    // Opened again, as a fresh import: the corrections come back with it.
    const reopened = await app.openFolder(folder.root, {})
    expect(reopened.lineage).toBe(reopened.id)
    expect(reopened.corrections).toMatchObject({ relabelled: 1, leftOut: 1 })
    expect(reopened.classes.map((c) => [c.train, c.valid])).toEqual(both.classes.map((c) => [c.train, c.valid]))
    const undone = await app.undoCorrection({ file: folder.planted[1] })
    expect(undone.corrections).toMatchObject({ relabelled: 1, leftOut: 0 })
    expect(all(undone)).toBe(all(first))
    const none = await app.undoCorrection({ file: folder.planted[0] })
    expect(none.classes.map((c) => [c.train, c.valid])).toEqual(first.classes.map((c) => [c.train, c.valid]))
    await expect(app.undoCorrection({ file: folder.planted[0] })).rejects.toThrow('has no correction to undo')
  })

  it('refuses an image that is not in the dataset, or a class it has not, changing nothing', async () => {
    await app.openFolder(folder.root, {})
    await expect(app.correctImage({ correction: { file: '3/nope.png', action: 'leave-out' } })).rejects.toThrow('3/nope.png is not an image of')
    await expect(app.correctImage({ correction: { file: folder.planted[0], action: 'relabel', label: '9' } })).rejects.toThrow('has no class “9”: relabel as one of 3, 7')
    expect((await app.currentDataset())!.corrections!.entries).toEqual([])
  })

  it("keeps a built-in's corrections in the data folder", async () => {
    const view = await app.openSample('mnist-sample')
    const file = (await app.imagePage({ split: 'train', offset: 0, limit: 1 })).images[0].source
    const after = await app.correctImage({ correction: { file, action: 'leave-out' } })
    expect(after.corrections).toMatchObject({ path: join(data, 'corrections', 'builtin-mnist-sample.json'), elsewhere: 'a built-in dataset has no folder of its own', leftOut: 1 })
    expect(after.images.train).toBe(view.images.train - 1)
    expect((await app.openSample('mnist-sample')).images.train).toBe(view.images.train - 1)
    expect((await app.undoCorrection({ file })).images.train).toBe(view.images.train)
  })

  it("keeps the last run's mistakes on show after a correction, their images still found", async () => {
    const view = await app.openFolder(folder.root, {})
    await app.startTraining({ ...defaultTrainingConfig('linear', 2), epochs: 1, batchSize: 8 })
    await eventually(events, finished)
    const mistakes = await app.interpretation()
    expect(mistakes).not.toBeNull()
    const image = (await app.imagesAt({ split: 'valid', indices: [0], dataset: view.id }))[0]
    await app.correctImage({ correction: { file: image.source, action: 'leave-out' } })
    expect(await app.interpretation()).toBe(mistakes)
    expect((await app.imagesAt({ split: 'valid', indices: [0], dataset: view.id }))[0].source).toBe(image.source)
    await app.undoCorrection({ file: image.source })
    await app.openSample('mnist-sample')
    expect(await app.interpretation()).toBeNull()
  }, 60_000)
})
