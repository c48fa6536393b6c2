import type { DigitDataset, ImageSplit } from '../engine/data/dataset'

function shareSplit(split: ImageSplit): ImageSplit {
  const pixels = new Uint8Array(new SharedArrayBuffer(split.pixels.byteLength))
  pixels.set(split.pixels)
  const labels = new Int32Array(new SharedArrayBuffer(split.labels.byteLength))
  labels.set(split.labels)
  return { pixels, labels, count: split.count }
}

const isShared = (split: ImageSplit): boolean => split.pixels.buffer instanceof SharedArrayBuffer && split.labels.buffer instanceof SharedArrayBuffer

/**
 * The dataset with its pixels and labels in shared memory, copied once: every training worker
 * then reads the same bytes without another copy, and the app keeps them for its views.
 */
export function shareDataset(dataset: DigitDataset): DigitDataset {
  if (isShared(dataset.train) && isShared(dataset.valid)) return dataset
  return { ...dataset, train: shareSplit(dataset.train), valid: shareSplit(dataset.valid) }
}
