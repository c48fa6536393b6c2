import { join } from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { importDataset } from '../../src/main/datasets'
import { seededSplit, validCount } from '../../src/main/datasets/split'
import { tempFolderSync } from '../helpers/temp-folder'
import { grayInput, strokeImage, writeFiles } from './fixtures'

const folder = tempFolderSync('split')
const root = join(folder, 'digits')

beforeAll(async () => {
  const files: Record<string, Buffer> = {}
  for (const [c, label] of ['0', '1', '2'].entries()) {
    const png = await grayInput(strokeImage(28, 28, c % 2 === 0), 28, 28).png().toBuffer()
    for (let i = 0; i < 30 + 7 * c; i++) files[`${label}/img${i}.png`] = png
  }
  await writeFiles(root, files)
})

describe('seeded, stratified validation split', () => {
  it('gives the same split, file for file, for the same seed', async () => {
    const a = await importDataset(root, { seed: 7 })
    const b = await importDataset(root, { seed: 7, concurrency: 3 })
    expect(b.sources).toEqual(a.sources)
    expect(Buffer.compare(Buffer.from(b.dataset.valid.pixels), Buffer.from(a.dataset.valid.pixels))).toBe(0)
  })

  it('draws another split for another seed, with the same counts per class', async () => {
    const a = await importDataset(root, { seed: 7 })
    const c = await importDataset(root, { seed: 8 })
    expect(c.sources.valid).not.toEqual(a.sources.valid)
    expect(c.counts).toEqual(a.counts)
    expect(a.counts.valid).toEqual([6, 7, 9]) // 20% of 30, 37 and 44, rounded
  })

  it('holds out the asked share of every class, at least one, never all', () => {
    expect(validCount(10, 20)).toBe(2)
    expect(validCount(2, 20)).toBe(1)
    expect(validCount(1, 50)).toBe(0)
    expect(validCount(3, 99)).toBe(2)
  })

  it("depends only on the seed and each file's name and class, not on listing order", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer(),
        fc.integer({ min: 1, max: 4 }),
        (keys, percent, seed, classes) => {
          const labels = keys.map((key) => key.charCodeAt(0) % classes)
          const split = seededSplit(keys, labels, percent, seed)
          const order = keys.map((_, i) => i).reverse()
          const shuffled = seededSplit(order.map((i) => keys[i]), order.map((i) => labels[i]), percent, seed)
          order.forEach((i, k) => expect(shuffled[k]).toBe(split[i]))
          for (let c = 0; c < classes; c++) {
            const members = labels.filter((l) => l === c).length
            const held = labels.filter((l, i) => l === c && split[i] === 1).length
            expect(held).toBe(validCount(members, percent))
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('refuses a validation share outside (0, 100)', async () => {
    await expect(importDataset(root, { validPercent: 0 })).rejects.toThrow(/above 0 and below 100/)
    await expect(importDataset(root, { validPercent: 100 })).rejects.toThrow(/above 0 and below 100/)
  })
})
