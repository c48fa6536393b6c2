import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ImageSplit } from '../../src/main/engine/data/dataset'
import { importDataset, loadBuiltinDataset } from '../../src/main/datasets'
import { writeSample } from '../../src/main/datasets/samples'
import { tempFolderSync } from '../helpers/temp-folder'

const folder = tempFolderSync('samples')

/** The first `limit` images of each class of a class-major split, as make-samples' `limitPerClass` writes them. */
function firstOfEachClass(split: ImageSplit, classes: number, limit: number): ImageSplit {
  const rows: number[] = []
  for (let c = 0; c < classes; c++) {
    let taken = 0
    for (let i = 0; i < split.count && taken < limit; i++) {
      if (split.labels[i] !== c) continue
      rows.push(i)
      taken++
    }
  }
  const pixels = new Uint8Array(rows.length * 784)
  rows.forEach((row, r) => pixels.set(split.pixels.subarray(row * 784, row * 784 + 784), r * 784))
  return { pixels, labels: Int32Array.from(rows, (row) => split.labels[row]), count: rows.length }
}

describe('samples on disk', () => {
  it("make-samples' MNIST_SAMPLE folder imports as exactly the built-in mnist-sample (every pixel, label and order)", async () => {
    const limit = 250
    const written = await writeSample(folder, 'mnist-sample', { limitPerClass: limit })
    expect(written.files).toBe(4 * limit)
    expect(readdirSync(join(written.folder, 'train', '3')).slice(0, 3)).toEqual(['00007.png', '00010.png', '00012.png'])
    const result = await importDataset(written.folder)
    const builtin = loadBuiltinDataset('mnist-sample')
    expect(result.dataset.labelNames).toEqual(builtin.labelNames)
    for (const split of ['train', 'valid'] as const) {
      const expected = firstOfEachClass(builtin[split], 2, limit)
      expect(result.dataset[split].count).toBe(expected.count)
      expect(Buffer.compare(Buffer.from(result.dataset[split].pixels), Buffer.from(expected.pixels))).toBe(0)
      expect(Array.from(result.dataset[split].labels)).toEqual(Array.from(expected.labels))
    }
    expect(result.skipped).toEqual([])
    expect(result.inverted).toBe(0)
  })

  it('stops when aborted, mid-import', async () => {
    const controller = new AbortController()
    const progress: number[] = []
    const run = importDataset(join(folder, 'mnist_sample'), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase !== 'decode') return
        progress.push(p.done)
        if (p.done === 10) controller.abort()
      },
    })
    await expect(run).rejects.toThrow(/abort/i)
    expect(Math.max(...progress)).toBeLessThan(100)
  })

  it('keeps an existing sample folder unless asked to rewrite it', async () => {
    const again = await writeSample(folder, 'mnist-sample', { limitPerClass: 3 })
    expect(again.files).toBe(0)
    const forced = await writeSample(folder, 'mnist-sample', { limitPerClass: 3, force: true })
    expect(forced.files).toBe(12)
    expect(readdirSync(folder).filter((name) => name.includes('partial'))).toEqual([])
  })

  it('writes full MNIST as training/0..9 and testing/0..9', async () => {
    const written = await writeSample(folder, 'mnist', { limitPerClass: 2 })
    expect(readdirSync(written.folder).sort()).toEqual(['testing', 'training'])
    expect(readdirSync(join(written.folder, 'training')).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    const result = await importDataset(written.folder)
    expect(result.counts.train).toEqual(Array(10).fill(2))
    expect(result.counts.valid).toEqual(Array(10).fill(2))
  })

  it('the built-in datasets come through the importer unchanged', async () => {
    const result = await importDataset('mnist-sample')
    const builtin = loadBuiltinDataset('mnist-sample')
    expect(result.dataset.name).toBe('mnist-sample')
    expect(result.plan.layout).toBe('builtin')
    expect(result.counts).toEqual({ train: [6131, 6265], valid: [1010, 1028] })
    for (const split of ['train', 'valid'] as const) {
      expect(Buffer.compare(Buffer.from(result.dataset[split].pixels), Buffer.from(builtin[split].pixels))).toBe(0)
      expect(Array.from(result.dataset[split].labels)).toEqual(Array.from(builtin[split].labels))
    }
  })
})
