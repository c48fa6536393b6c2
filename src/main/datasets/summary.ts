import type { DigitDataset, ImageSplit } from '../engine/data/dataset'

/** Pixel statistics of a class's training images, in pixel units (0..255). */
export interface PixelStats {
  readonly mean: number
  readonly std: number
  /** Share of pixels that are ink (above half brightness). */
  readonly inkFraction: number
  /** Mean number of ink pixels per image. */
  readonly inkPixels: number
}

/** What one class looks like: its counts, its mean ("ideal") image, statistics and a few samples. */
export interface ClassSummary {
  readonly label: string
  readonly train: number
  readonly valid: number
  /** The per-pixel mean of the class's training images (the chapter's `mean3`), 0..255, row-major. */
  readonly mean: Float32Array
  readonly stats: PixelStats
  /** Indices into the training split of the samples shown, spread evenly across the class. */
  readonly sampleIndices: readonly number[]
  readonly samples: readonly Uint8Array[]
}

export interface DatasetSummary {
  readonly name: string
  readonly labelNames: readonly string[]
  readonly height: number
  readonly width: number
  readonly classes: readonly ClassSummary[]
}

function classRows(split: ImageSplit, label: number): number[] {
  const rows: number[] = []
  for (let i = 0; i < split.count; i++) if (split.labels[i] === label) rows.push(i)
  return rows
}

function pixelStats(split: ImageSplit, rows: readonly number[], size: number, mean: Float32Array): PixelStats {
  const sum = new Float64Array(size)
  let total = 0
  let squares = 0
  let ink = 0
  for (const row of rows) {
    const offset = row * size
    for (let p = 0; p < size; p++) {
      const value = split.pixels[offset + p]
      sum[p] += value
      total += value
      squares += value * value
      if (value > 127) ink++
    }
  }
  const n = rows.length * size
  for (let p = 0; p < size; p++) mean[p] = rows.length > 0 ? sum[p] / rows.length : 0
  const average = n > 0 ? total / n : 0
  return {
    mean: average,
    std: n > 0 ? Math.sqrt(Math.max(0, squares / n - average * average)) : 0,
    inkFraction: n > 0 ? ink / n : 0,
    inkPixels: rows.length > 0 ? ink / rows.length : 0,
  }
}

function spread(rows: readonly number[], k: number): number[] {
  if (rows.length <= k) return [...rows]
  return Array.from({ length: k }, (_, i) => rows[Math.floor((i * rows.length) / k)])
}

/**
 * Summarise a dataset as Digit Lab shows it: per class, the image counts of each split, the mean
 * image and pixel statistics of its training images, and `samplesPerClass` of them to look at.
 */
export function summarizeDataset(dataset: DigitDataset, samplesPerClass = 8): DatasetSummary {
  const size = dataset.height * dataset.width
  const classes = dataset.labelNames.map((label, c): ClassSummary => {
    const rows = classRows(dataset.train, c)
    const mean = new Float32Array(size)
    const stats = pixelStats(dataset.train, rows, size, mean)
    const sampleIndices = spread(rows, samplesPerClass)
    return {
      label,
      train: rows.length,
      valid: classRows(dataset.valid, c).length,
      mean,
      stats,
      sampleIndices,
      samples: sampleIndices.map((row) => dataset.train.pixels.slice(row * size, (row + 1) * size)),
    }
  })
  return { name: dataset.name, labelNames: dataset.labelNames, height: dataset.height, width: dataset.width, classes }
}
