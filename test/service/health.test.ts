import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets'
import { tempFolder } from '../helpers/temp-folder'
import { plantedDuplicates } from '../datasets/planted'
import { service } from './service-helpers'

describe('dataset health on import', () => {
  it('a folder with planted duplicates across train/valid and a 3-image class gets exactly those warnings; the fix leaves the copies out of validation', async () => {
    const root = await plantedDuplicates()
    const { service: app } = service()
    const view = await app.openFolder(root, {})
    const summary = view.health.map((w) =>
      w.kind === 'few-images' ? ['few-images', w.label, w.count, w.images.length]
        : w.kind === 'duplicates' ? ['duplicates', w.exact, w.pairs.map((p) => [p.train.source, p.valid.source])]
        : ['imbalance'])
    expect(summary).toEqual([
      ['few-images', 'x', 3, 3],
      ['duplicates', true, [['train/3/0.png', 'valid/3/copy-0.png'], ['train/3/1.png', 'valid/3/copy-1.png'], ['train/3/2.png', 'valid/3/copy-2.png']]],
      ['duplicates', false, [['train/7/5.png', 'valid/7/big-copy.png']]],
    ])
    const copies = view.health.flatMap((w) => (w.kind === 'duplicates' ? w.pairs.map((p) => p.valid.source) : []))
    const fixed = await app.correctImages({ corrections: copies.map((file) => ({ file, action: 'leave-out' as const })) })
    expect(fixed.health.map((w) => w.kind)).toEqual(['few-images'])
    expect(fixed.corrections).toMatchObject({ leftOut: 4 })
    expect(fixed.images.valid).toBe(view.images.valid - 4)
    await app.close()
  }, 60_000)

  it('strong imbalance among classes that are not "few" is a warning of its own; a balanced sample has none', async () => {
    const { service: app } = service()
    expect((await app.openSample('mnist-sample')).health).toEqual([])
    const root = await tempFolder('imbalance')
    const sample = loadBuiltinDataset('mnist-sample')
    const size = 28 * 28
    const sevens = sample.train.labels.indexOf(1)
    for (const [label, start, n] of [['3', 0, 60], ['7', sevens, 12]] as const) {
      await mkdir(join(root, label))
      for (let i = 0; i < n; i++) {
        await sharp(Buffer.from(sample.train.pixels.subarray((start + i) * size, (start + i + 1) * size)), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, label, `${i}.png`))
      }
    }
    expect((await app.openFolder(root, {})).health).toEqual([{ kind: 'imbalance', largest: { label: '3', count: 60 }, smallest: { label: '7', count: 12 } }])
    await app.close()
  }, 60_000)
})
