import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DigitLabService } from '../../src/main/service/digit-lab-service'
import type { AppEvent } from '../../src/shared/api'
import type { DatasetView } from '../../src/shared/datasets'
import { defaultTrainingConfig } from '../../src/shared/training'
import { plantedFolder } from '../datasets/planted'
import { strokeImage } from '../datasets/fixtures'
import { tempFolder } from '../helpers/temp-folder'
import { service } from './service-helpers'

const validSources = async (app: DigitLabService) => (await app.imagePage({ split: 'valid', offset: 0, limit: 2000 })).images.map((image) => image.source)
const firstPixels = async (app: DigitLabService) => (await app.imagePage({ split: 'train', offset: 0, limit: 1 })).images[0].pixels
const meanAt = (view: DatasetView, c: number, p: number) => Buffer.from(view.classes[c].mean, 'base64')[p]

/** A folder of wide (40×20) light-ink strokes in `a/` and `b/`: resizing shows in their pixels. */
async function wideFolder(): Promise<string> {
  const root = await tempFolder('wide')
  for (const label of ['a', 'b']) {
    await mkdir(join(root, label))
    for (let i = 0; i < 5; i++) {
      await sharp(Buffer.from(strokeImage(40, 20, true)), { raw: { width: 40, height: 20, channels: 1 } }).png().toFile(join(root, label, `${i}.png`))
    }
  }
  return root
}

describe('data settings change what the Data view shows, and what trains', () => {
  let app: DigitLabService
  let events: AppEvent[]
  let root: string

  beforeAll(async () => {
    root = (await plantedFolder(40, 0)).root
    ;({ service: app, events } = service())
  })

  afterAll(() => app.close())

  it('validation share and split seed: the counts, and which images are held out', async () => {
    const first = await app.openFolder(root, {})
    expect(first).toMatchObject({ validation: 'seeded', settings: { validPercent: 20, seed: 42, polarity: 'auto', resize: 'letterbox' } })
    expect(first.images).toEqual({ train: 64, valid: 16 })
    const half = await app.reimportDataset({ validPercent: 50 })
    expect(half.images).toEqual({ train: 40, valid: 40 })
    expect(half.settings.validPercent).toBe(50)
    const before = await validSources(app)
    const reseeded = await app.reimportDataset({ seed: 7 })
    expect(reseeded.settings).toMatchObject({ validPercent: 50, seed: 7 })
    expect(reseeded.images).toEqual({ train: 40, valid: 40 })
    expect(await validSources(app)).not.toEqual(before)
  })

  it('polarity: inverting turns the mean images and thumbnails dark-on-light', async () => {
    const auto = await app.reimportDataset({ validPercent: 20, seed: 42, polarity: 'auto' })
    const thumbnail = await firstPixels(app)
    const inverted = await app.reimportDataset({ polarity: 'dark-ink' })
    expect(inverted.settings.polarity).toBe('dark-ink')
    expect(inverted.inverted).toBe(80)
    expect(meanAt(auto, 0, 0)).toBe(0)
    expect(meanAt(inverted, 0, 0)).toBe(255)
    expect(await firstPixels(app)).not.toEqual(thumbnail)
    const asIs = await app.reimportDataset({ polarity: 'light-ink' })
    expect(meanAt(asIs, 0, 0)).toBe(0)
  })

  it('resizing: letterbox, stretch and crop give other thumbnails and means for images that are not square', async () => {
    await app.openFolder(await wideFolder(), {})
    const seen = new Set<string>()
    const means = new Set<string>()
    for (const resize of ['letterbox', 'stretch', 'crop'] as const) {
      const view = await app.reimportDataset({ resize })
      expect(view.settings.resize).toBe(resize)
      seen.add(await firstPixels(app))
      means.add(view.classes[0].mean)
    }
    expect(seen.size).toBe(3)
    expect(means.size).toBe(3)
  })

  it('augmentation: a seeded preview of transformed training images, and other losses when training with it', async () => {
    await app.openFolder(root, {})
    const strip = await app.augmentPreview({ count: 8, seed: 3 })
    expect(strip).toHaveLength(8)
    expect(new Set(strip.map((pair) => pair.original.label))).toEqual(new Set([0, 1]))
    for (const pair of strip) expect(pair.augmented).not.toBe(pair.original.pixels)
    expect(await app.augmentPreview({ count: 8, seed: 3 })).toEqual(strip)
    expect((await app.augmentPreview({ count: 8, seed: 4 })).map((pair) => pair.augmented)).not.toEqual(strip.map((pair) => pair.augmented))

    const losses = async (augment: boolean): Promise<readonly number[]> => {
      const { runId } = await app.startTraining({ ...defaultTrainingConfig('linear', 2), epochs: 1, batchSize: 16, augment })
      await expect.poll(() => events.some((e) => e.kind === 'training' && e.runId === runId && e.event.kind === 'finished'), { timeout: 60_000, interval: 20 }).toBe(true)
      return app.lastRunOutcome!.batchLosses
    }
    const plain = await losses(false)
    const augmented = await losses(true)
    expect(augmented).not.toEqual(plain)
  }, 60_000)

  it('the trained result follows the validation share: the matrix counts the images held out', async () => {
    await app.reimportDataset({ validPercent: 50 })
    const { runId } = await app.startTraining({ ...defaultTrainingConfig('linear', 2), epochs: 1, batchSize: 16 })
    await expect.poll(() => events.some((e) => e.kind === 'training' && e.runId === runId && e.event.kind === 'finished'), { timeout: 60_000, interval: 20 }).toBe(true)
    await expect.poll(async () => (await app.interpretation())?.confusion.flat().reduce((a, b) => a + b, 0), { timeout: 30_000 }).toBe(40)
  }, 60_000)
})
