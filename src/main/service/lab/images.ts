import type { DigitDataset, ImageSplit } from '../../engine/data/dataset'
import { Tensor } from '../../engine/tensor'
import type { ImageRef } from '../../../shared/lab'

/** The split an image reference names, after checking that the image exists. */
export function splitOf(dataset: DigitDataset, ref: ImageRef): ImageSplit {
  const split = dataset[ref.split]
  if (ref.index >= split.count) {
    const name = ref.split === 'train' ? 'training' : 'validation'
    throw new Error(`image ${ref.index} does not exist: the ${name} split has ${split.count} images (0 to ${split.count - 1})`)
  }
  return split
}

/** Pixels of `rows` of a split as floats in 0..1 (v / 255, as the training batches), shape (rows, …shape). */
export function imagesTensor(split: ImageSplit, rows: ArrayLike<number>, imageShape: readonly number[]): Tensor {
  const size = imageShape.reduce((n, d) => n * d, 1)
  const out = new Float32Array(rows.length * size)
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r] * size
    for (let j = 0; j < size; j++) out[r * size + j] = split.pixels[from + j] / 255
  }
  return new Tensor(out, [rows.length, ...imageShape])
}

/** One image as a (h, w) tensor of floats in 0..1. */
export function imageTensor(dataset: DigitDataset, ref: ImageRef): Tensor {
  const tensor = imagesTensor(splitOf(dataset, ref), [ref.index], [dataset.height, dataset.width])
  return tensor.reshape(dataset.height, dataset.width)
}

/** Positions of a class's images in a split. */
export function rowsOfClass(split: ImageSplit, label: number): Int32Array {
  const rows: number[] = []
  for (let i = 0; i < split.count; i++) if (split.labels[i] === label) rows.push(i)
  return Int32Array.from(rows)
}

/** Float32 values as plain numbers (the api's replies travel as JSON). */
export const numbers = (values: ArrayLike<number>): number[] => Array.from(values)
