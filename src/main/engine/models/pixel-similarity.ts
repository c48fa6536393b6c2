import type { ImageSplit } from '../data/dataset'
import { Module } from '../nn/module'
import { Tensor } from '../tensor'

export type PixelDistance = 'l1' | 'rmse'

/** Per-class mean image of a split, as floats in 0..1: the chapter's "ideal 3", shape (classes, h·w). */
export function classMeans(split: ImageSplit, classCount: number, imageSize: number): Tensor {
  const sums = new Float64Array(classCount * imageSize)
  const counts = new Float64Array(classCount)
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i]
    counts[label]++
    const base = label * imageSize
    for (let j = 0; j < imageSize; j++) sums[base + j] += split.pixels[i * imageSize + j]
  }
  const means = new Float32Array(sums.length)
  for (let c = 0; c < classCount; c++) {
    for (let j = 0; j < imageSize; j++) means[c * imageSize + j] = counts[c] === 0 ? 0 : sums[c * imageSize + j] / counts[c] / 255
  }
  return new Tensor(means, [classCount, imageSize])
}

/**
 * The chapter's baseline: an image belongs to the class whose mean image is nearest, by L1
 * (`(a − b).abs().mean()`) or RMSE (`((a − b)²).mean().sqrt()`). Its output is the negative
 * distance to each class, so the arg-max is the nearest class. Nothing is trained.
 */
export class PixelSimilarity extends Module {
  constructor(
    /** Mean image of each class, (classes, h·w); a buffer, not a parameter. */
    readonly means: Tensor,
    readonly distance: PixelDistance,
  ) {
    super()
  }

  static fit(split: ImageSplit, classCount: number, imageSize: number, distance: PixelDistance): PixelSimilarity {
    return new PixelSimilarity(classMeans(split, classCount, imageSize), distance)
  }

  /** (n, …) images → (n, classes) negative distances, by broadcasting (n, 1, p) against (classes, p). */
  forward(x: Tensor): Tensor {
    const [classes, size] = this.means.shape
    const diff = x.reshape(-1, 1, size).sub(this.means.reshape(1, classes, size))
    const distances = this.distance === 'l1' ? diff.abs().mean(-1) : diff.pow(2).mean(-1).sqrt()
    return distances.neg()
  }
}
