import type { DigitDataset } from '../../engine/data/dataset'
import { noGrad } from '../../engine/autograd'
import type { PixelDistance } from '../../engine/models/pixel-similarity'
import type { Tensor } from '../../engine/tensor'
import type { BaselineAccuracy, ClassDistance, ImageRef } from '../../../shared/lab'
import { imageTensor } from './images'

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * The chapter's two distances from one image to every class's mean, by broadcasting:
 * (h·w) − (classes, h·w) → (classes, h·w) → |·| or (·)² → mean over the pixels → (classes).
 */
export function distancesToMeans(dataset: DigitDataset, means: Tensor, ref: ImageRef): ClassDistance[] {
  const x = imageTensor(dataset, ref).reshape(-1)
  return noGrad(() => {
    const diff = x.sub(means)
    const l1 = diff.abs().mean(-1)
    const rmse = diff.pow(2).mean(-1).sqrt()
    return Array.from(l1.data, (value, label) => ({ label, l1: value, rmse: rmse.data[label] }))
  })
}

/** The class whose mean is nearest by one distance (the first on ties). */
export function nearest(distances: readonly ClassDistance[], by: PixelDistance): number {
  return distances.reduce((best, d) => (d[by] < distances[best][by] ? d.label : best), 0)
}

/** Validation images measured between turns of the event loop: about 20 ms of work on ten classes. */
const CHUNK_IMAGES = 1000

/**
 * The pixel-similarity baseline on the validation set, by L1 and by RMSE at once: one pass over the
 * images' bytes, each compared with every class's mean by plain sums (what the engine's PixelSimilarity
 * computes by broadcasting, a test holds them equal), giving the event loop a turn between chunks.
 */
export async function baselineAccuracies(dataset: DigitDataset, means: Tensor, onProgress: (done: number) => void = () => {}): Promise<BaselineAccuracy[]> {
  const { valid } = dataset
  const classes = dataset.labelNames.length
  const size = dataset.height * dataset.width
  // NOTE: the means in 0..255 units, so each pixel is compared as its byte; distances scale by 255, the nearest does not change.
  const scaled = Float64Array.from(means.data, (m) => m * 255)
  const correct = { l1: new Float64Array(classes), rmse: new Float64Array(classes) }
  const counts = new Float64Array(classes)
  for (let start = 0; start < valid.count; start += CHUNK_IMAGES) {
    const end = Math.min(valid.count, start + CHUNK_IMAGES)
    for (let i = start; i < end; i++) {
      const [l1, rmse] = nearestMeans(valid.pixels, i * size, scaled, classes, size)
      const label = valid.labels[i]
      counts[label]++
      if (l1 === label) correct.l1[label]++
      if (rmse === label) correct.rmse[label]++
    }
    onProgress(end)
    await nextTurn()
  }
  return (['l1', 'rmse'] as const).map((distance) => accuracyOf(distance, correct[distance], counts, valid.count))
}

/** The class whose mean is nearest to one image by L1 and by squared distance (the first on ties). */
function nearestMeans(pixels: Uint8Array, offset: number, means: Float64Array, classes: number, size: number): [number, number] {
  let [bestL1, bestSq, byL1, bySq] = [Infinity, Infinity, 0, 0]
  for (let c = 0; c < classes; c++) {
    let [l1, sq] = [0, 0]
    const base = c * size
    for (let j = 0; j < size; j++) {
      const d = pixels[offset + j] - means[base + j]
      l1 += d < 0 ? -d : d
      sq += d * d
    }
    if (l1 < bestL1) [bestL1, byL1] = [l1, c]
    if (sq < bestSq) [bestSq, bySq] = [sq, c]
  }
  return [byL1, bySq]
}

function accuracyOf(distance: PixelDistance, correct: Float64Array, counts: Float64Array, total: number): BaselineAccuracy {
  const perClass = Array.from(counts, (count, label) => ({ label, correct: correct[label], count, accuracy: count === 0 ? 0 : correct[label] / count }))
  const seen = perClass.filter((c) => c.count > 0)
  return {
    distance,
    perClass,
    accuracy: correct.reduce((a, b) => a + b, 0) / Math.max(1, total),
    classAverage: seen.reduce((sum, c) => sum + c.accuracy, 0) / Math.max(1, seen.length),
  }
}
