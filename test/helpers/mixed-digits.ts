import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { readRawSplit, type RawMnistSplit } from '../../src/main/datasets/builtin'
import { DataLoader } from '../../src/main/engine/data/dataloader'
import { ImageDataset, type DigitDataset } from '../../src/main/engine/data/dataset'
import { predictClasses } from '../../src/main/engine/learner/predictions'
import type { Module } from '../../src/main/engine/nn/module'

/**
 * How each image of a mixed folder is written, in turn: the encodings and polarities a person's own
 * folder has (a scan is dark ink on white, a drawing app saves ink in the alpha channel, a photo crop
 * has a wide margin), so the folder tests what the importer and a starting point meet in use.
 */
export const ENCODINGS = ['png', 'jpeg', 'webp', 'gif', 'tiff', 'inverted-png', 'alpha-png', 'padded-png', 'inverted-jpeg', 'png16'] as const
export type Encoding = (typeof ENCODINGS)[number]

const SIZE = 28

function encode(pixels: Uint8Array, encoding: Encoding): { image: Sharp; ext: string } {
  const gray = (values: Uint8Array, size = SIZE): Sharp => sharp(Buffer.from(values), { raw: { width: size, height: size, channels: 1 } })
  const inverted = pixels.map((v) => 255 - v)
  switch (encoding) {
    case 'png':
      return { image: gray(pixels).png(), ext: 'png' }
    case 'jpeg':
      return { image: gray(pixels).jpeg({ quality: 90 }), ext: 'jpg' }
    case 'webp':
      return { image: gray(pixels).webp({ quality: 90 }), ext: 'webp' }
    case 'gif':
      return { image: gray(pixels).gif(), ext: 'gif' }
    case 'tiff':
      return { image: gray(pixels).tiff(), ext: 'tiff' }
    case 'inverted-png':
      return { image: gray(inverted).png(), ext: 'png' }
    case 'inverted-jpeg':
      return { image: gray(inverted).jpeg({ quality: 90 }), ext: 'jpg' }
    case 'alpha-png': {
      // Black ink whose coverage is the alpha channel, on a transparent page.
      const rgba = Buffer.alloc(SIZE * SIZE * 4)
      pixels.forEach((v, i) => (rgba[i * 4 + 3] = v))
      return { image: sharp(rgba, { raw: { width: SIZE, height: SIZE, channels: 4 } }).png(), ext: 'png' }
    }
    case 'padded-png': {
      // A wide margin, unevenly (48×48, the digit 14 px from the left, 6 from the top): it arrives at 58% of its
      // MNIST size and off-centre, as a digit cropped loosely from a scan does.
      const padded = new Uint8Array(48 * 48)
      for (let y = 0; y < SIZE; y++) padded.set(pixels.subarray(y * SIZE, (y + 1) * SIZE), (y + 6) * 48 + 14)
      return { image: gray(padded, 48).png(), ext: 'png' }
    }
    case 'png16':
      return { image: gray(pixels).toColourspace('grey16').png(), ext: 'png' }
  }
}

let testSplit: RawMnistSplit | null = null

/** What a mixed folder holds: per class, `perClass` MNIST test images from the `skip`-th of that digit on. */
export interface MixedFolderOptions {
  readonly digits?: readonly number[]
  readonly perClass: number
  /** Images of each digit to pass over first, so two folders never share an image. */
  readonly skip?: number
  /** Folder name for each digit (default: the digit itself). */
  readonly names?: (digit: number) => string
  /** Write every image in this one encoding (to measure encodings apart). */
  readonly only?: Encoding
}

/**
 * Write a folder of class folders (`0/` … `9/`) made from MNIST *test* images — never seen by a
 * starting point trained on MNIST's training images — each image in the next of ENCODINGS.
 * Returns the folder.
 */
export async function writeMixedDigitFolder(root: string, options: MixedFolderOptions): Promise<string> {
  testSplit ??= readRawSplit('t10k')
  const split = testSplit
  const digits = options.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
  let written = 0
  for (const digit of digits) {
    const folder = join(root, options.names?.(digit) ?? String(digit))
    await mkdir(folder, { recursive: true })
    let seen = 0
    let taken = 0
    for (let i = 0; i < split.digits.length && taken < options.perClass; i++) {
      if (split.digits[i] !== digit || seen++ < (options.skip ?? 0)) continue
      const encoding = options.only ?? ENCODINGS[written++ % ENCODINGS.length]
      const { image, ext } = encode(split.pixels.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE), encoding)
      await image.toFile(join(folder, `${digit}-${i}-${encoding}.${ext}`))
      taken++
    }
  }
  return root
}

/** A model's accuracy on every image of a dataset, both splits (a folder used only to score). */
export function accuracyOn(model: Module, dataset: DigitDataset): number {
  let correct = 0
  for (const split of [dataset.train, dataset.valid]) {
    if (split.count === 0) continue
    const predicted = predictClasses(model, new DataLoader(new ImageDataset(split, dataset.height, dataset.width, 'class'), { batchSize: 256 }))
    predicted.forEach((p, i) => (correct += p === split.labels[i] ? 1 : 0))
  }
  return correct / (dataset.train.count + dataset.valid.count)
}
