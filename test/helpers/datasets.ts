import type { DigitDataset, ImageSplit } from '../../src/main/engine/data/dataset'

/** Every `step`-th image of each split: small, still every class, the same order every time. */
export function everyNth(dataset: DigitDataset, step: number): DigitDataset {
  const size = dataset.height * dataset.width
  const take = (split: ImageSplit): ImageSplit => {
    const rows = Array.from({ length: Math.ceil(split.count / step) }, (_, i) => i * step)
    const pixels = new Uint8Array(rows.length * size)
    rows.forEach((row, i) => pixels.set(split.pixels.subarray(row * size, (row + 1) * size), i * size))
    return { pixels, labels: Int32Array.from(rows, (row) => split.labels[row]), count: rows.length }
  }
  return { ...dataset, train: take(dataset.train), valid: take(dataset.valid) }
}
