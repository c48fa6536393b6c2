import type { DigitDataset } from '../../engine/data/dataset'
import { noGrad } from '../../engine/autograd'
import { PixelSimilarity, type PixelDistance } from '../../engine/models/pixel-similarity'
import type { Tensor } from '../../engine/tensor'
import type { BaselineAccuracy, ClassDistance, ImageRef } from '../../../shared/lab'
import { imagesTensor, imageTensor } from './images'

/** Floats per chunk of (images, classes, pixels): about 25 ms of work between turns of the event loop. */
const CHUNK_FLOATS = 2 ** 19

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

/**
 * The pixel-similarity baseline on the validation set: the engine's PixelSimilarity model (the
 * nearest mean image) over every validation image, a chunk at a time, giving the event loop a
 * turn between chunks so that main stays responsive on ten-class datasets.
 */
export async function baselineAccuracy(dataset: DigitDataset, means: Tensor, distance: PixelDistance, onProgress: (done: number) => void = () => {}): Promise<BaselineAccuracy> {
  const model = new PixelSimilarity(means, distance)
  const { valid } = dataset
  const classes = dataset.labelNames.length
  const correct = new Float64Array(classes)
  const counts = new Float64Array(classes)
  const chunk = Math.max(8, Math.floor(CHUNK_FLOATS / (classes * dataset.height * dataset.width)))
  for (let start = 0; start < valid.count; start += chunk) {
    const rows = Int32Array.from({ length: Math.min(chunk, valid.count - start) }, (_, i) => start + i)
    const predicted = noGrad(() => model.forward(imagesTensor(valid, rows, [dataset.height * dataset.width])).argmax(-1))
    rows.forEach((row, i) => {
      const label = valid.labels[row]
      counts[label]++
      if (predicted.data[i] === label) correct[label]++
    })
    onProgress(start + rows.length)
    await nextTurn()
  }
  const perClass = Array.from(counts, (count, label) => ({ label, correct: correct[label], count, accuracy: count === 0 ? 0 : correct[label] / count }))
  const seen = perClass.filter((c) => c.count > 0)
  return {
    distance,
    perClass,
    accuracy: correct.reduce((a, b) => a + b, 0) / Math.max(1, valid.count),
    classAverage: seen.reduce((sum, c) => sum + c.accuracy, 0) / Math.max(1, seen.length),
  }
}
