import { FEW_IMAGES, IMBALANCE_RATIO, NEAR_BUDGET, NEAR_DIFFERENCE, NEAR_SHARE, type HealthImage, type HealthWarning } from '../../shared/health'
import type { DigitDataset, ImageSplit } from '../engine/data/dataset'

type Split = 'train' | 'valid'
type Image = (split: Split, index: number) => HealthImage

/** Images shown with a warning, at most. */
const SHOWN = 12

/** Each image's 16 block means (4×4 blocks) and overall mean: lower bounds of the mean difference between two images. */
function descriptors(split: ImageSplit, side: number): { blocks: Float32Array; means: Float32Array } {
  const block = side / 4
  const blocks = new Float32Array(split.count * 16)
  const means = new Float32Array(split.count)
  for (let i = 0; i < split.count; i++) {
    const offset = i * side * side
    let total = 0
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const value = split.pixels[offset + y * side + x]
        blocks[i * 16 + Math.floor(y / block) * 4 + Math.floor(x / block)] += value
        total += value
      }
    }
    for (let b = 0; b < 16; b++) blocks[i * 16 + b] /= block * block
    means[i] = total / (side * side)
  }
  return { blocks, means }
}

function meanDifference(a: ImageSplit, i: number, b: ImageSplit, j: number, size: number): number {
  let sum = 0
  for (let p = 0; p < size; p++) sum += Math.abs(a.pixels[i * size + p] - b.pixels[j * size + p])
  return sum / size
}

/**
 * Validation images that are also in training: pixel for pixel (exact), or within NEAR_DIFFERENCE on average
 * (near-exact: a copy at another size or compression, once brought to 28×28). NOTE: candidates are narrowed by
 * lower bounds of the mean difference (overall mean, then the 16 block means), so none is missed and few are compared whole.
 */
function duplicates(dataset: DigitDataset, image: Image, nearSearch: boolean): HealthWarning[] {
  const size = dataset.height * dataset.width
  const { train, valid } = dataset
  const exactIndex = new Map<string, number>()
  for (let i = 0; i < train.count; i++) exactIndex.set(Buffer.from(train.pixels.buffer, train.pixels.byteOffset + i * size, size).toString('base64'), i)
  const trainD = descriptors(train, dataset.width)
  const validD = descriptors(valid, dataset.width)
  const order = Int32Array.from({ length: train.count }, (_, i) => i).sort((a, b) => trainD.means[a] - trainD.means[b])
  const sortedMeans = Float32Array.from(order, (i) => trainD.means[i])
  const exact: [number, number][] = []
  const near: [number, number][] = []
  let budget = NEAR_BUDGET
  let searched = 0
  for (let j = 0; j < valid.count; j++) {
    const same = exactIndex.get(Buffer.from(valid.pixels.buffer, valid.pixels.byteOffset + j * size, size).toString('base64'))
    if (same !== undefined) {
      exact.push([same, j])
      continue
    }
    if (!nearSearch || budget <= 0) continue
    searched++
    const limit = Math.min(NEAR_DIFFERENCE, NEAR_SHARE * (validD.means[j] + NEAR_DIFFERENCE))
    let lo = 0
    let hi = sortedMeans.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sortedMeans[mid] < validD.means[j] - limit) lo = mid + 1
      else hi = mid
    }
    for (let k = lo; k < sortedMeans.length && sortedMeans[k] <= validD.means[j] + limit; k++) {
      const i = order[k]
      budget--
      let bound = 0
      for (let b = 0; b < 16; b++) bound += Math.abs(trainD.blocks[i * 16 + b] - validD.blocks[j * 16 + b])
      if (bound / 16 >= limit) continue
      const difference = meanDifference(train, i, valid, j, size)
      if (difference < NEAR_DIFFERENCE && difference < NEAR_SHARE * Math.max(trainD.means[i], validD.means[j])) {
        near.push([i, j])
        break
      }
    }
  }
  const warning = (pairs: [number, number][], isExact: boolean): HealthWarning[] =>
    pairs.length === 0 ? [] : [{ kind: 'duplicates', exact: isExact, pairs: pairs.map(([i, j]) => ({ train: image('train', i), valid: image('valid', j) })) }]
  const unchecked: HealthWarning[] = nearSearch && searched < valid.count - exact.length ? [{ kind: 'near-unchecked', searched, valid: valid.count }] : []
  return [...warning(exact, true), ...warning(near, false), ...unchecked]
}

/** Classes with very few images, and strong imbalance among the others. */
function classSizes(dataset: DigitDataset, image: Image): HealthWarning[] {
  const counts = dataset.labelNames.map(() => 0)
  const rows: { split: Split; index: number }[][] = dataset.labelNames.map(() => [])
  for (const split of ['train', 'valid'] as const) {
    const labels = dataset[split].labels
    for (let i = 0; i < labels.length; i++) {
      counts[labels[i]]++
      rows[labels[i]].push({ split, index: i })
    }
  }
  const warnings: HealthWarning[] = []
  dataset.labelNames.forEach((label, c) => {
    if (counts[c] < FEW_IMAGES) warnings.push({ kind: 'few-images', label, count: counts[c], images: rows[c].slice(0, SHOWN).map((r) => image(r.split, r.index)) })
  })
  const others = dataset.labelNames.map((label, c) => ({ label, count: counts[c] })).filter((c) => c.count >= FEW_IMAGES)
  if (others.length >= 2) {
    const largest = others.reduce((a, b) => (b.count > a.count ? b : a))
    const smallest = others.reduce((a, b) => (b.count < a.count ? b : a))
    if (largest.count >= IMBALANCE_RATIO * smallest.count) warnings.push({ kind: 'imbalance', largest, smallest })
  }
  return warnings
}

/**
 * What an import should warn about (see HealthWarning): classes with very few images, strong imbalance among
 * the rest, and training images copied into validation, exact or near-exact after resizing to 28×28.
 */
export function datasetHealth(dataset: DigitDataset, sources: { readonly train: readonly string[]; readonly valid: readonly string[] }, nearSearch = true): HealthWarning[] {
  const size = dataset.height * dataset.width
  const image: Image = (split, index) => ({
    split,
    index,
    source: sources[split][index] ?? `${split}[${index}]`,
    pixels: Buffer.from(dataset[split].pixels.subarray(index * size, (index + 1) * size)).toString('base64'),
  })
  return [...classSizes(dataset, image), ...duplicates(dataset, image, nearSearch)]
}
