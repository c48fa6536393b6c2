import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { readRawSplit, type RawMnistSplit } from './builtin'
import { forEachLimited } from './pool'

/** The sample folders `make-samples` writes: fast.ai's MNIST_SAMPLE and full MNIST, as PNG files. */
export const SAMPLE_FOLDERS = {
  'mnist-sample': { folder: 'mnist_sample', digits: [3, 7], splits: { train: 'train', valid: 'valid' } },
  mnist: { folder: 'mnist_png', digits: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], splits: { train: 'training', valid: 'testing' } },
} as const

export type SampleName = keyof typeof SAMPLE_FOLDERS

export interface SampleOptions {
  /** Write only the first `limitPerClass` images of each class (tests); all of them by default. */
  readonly limitPerClass?: number
  /** Replace a sample folder that already exists (by default it is left as is). */
  readonly force?: boolean
  readonly concurrency?: number
  readonly onProgress?: (done: number, total: number) => void
}

export interface SampleWritten {
  readonly name: SampleName
  readonly folder: string
  /** Files written, or 0 when the folder was already there and kept. */
  readonly files: number
}

/** A 28×28 gray image as an 8-bit grayscale PNG (decoding it gives back every pixel). */
export function grayPng(pixels: Uint8Array, width = 28, height = 28): Promise<Buffer> {
  return sharp(pixels, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toBuffer()
}

interface SampleFile {
  readonly path: string
  readonly source: number
  readonly raw: RawMnistSplit
}

/**
 * Files of one split: `<split>/<digit>/<index>.png`, where index is the image's position in MNIST's
 * file, zero-padded so that natural (and plain) order is MNIST's order.
 */
function splitFiles(root: string, split: string, raw: RawMnistSplit, digits: readonly number[], limit: number): SampleFile[] {
  const files: SampleFile[] = []
  for (const digit of digits) {
    let taken = 0
    for (let i = 0; i < raw.digits.length && taken < limit; i++) {
      if (raw.digits[i] !== digit) continue
      files.push({ path: join(root, split, String(digit), `${String(i).padStart(5, '0')}.png`), source: i, raw })
      taken++
    }
  }
  return files
}

/**
 * Write a sample as a folder of PNGs, the layout Digit Lab expects. It is written beside its
 * final name and renamed at the end, so an interrupted run never leaves a folder that looks complete.
 */
export async function writeSample(dir: string, name: SampleName, options: SampleOptions = {}): Promise<SampleWritten> {
  const spec = SAMPLE_FOLDERS[name]
  const folder = join(dir, spec.folder)
  if (existsSync(folder) && !options.force) return { name, folder, files: 0 }
  const temp = `${folder}.partial-${process.pid}`
  await rm(temp, { recursive: true, force: true })
  const limit = options.limitPerClass ?? Infinity
  const files = [
    ...splitFiles(temp, spec.splits.train, readRawSplit('train'), spec.digits, limit),
    ...splitFiles(temp, spec.splits.valid, readRawSplit('t10k'), spec.digits, limit),
  ]
  try {
    for (const split of Object.values(spec.splits)) {
      for (const digit of spec.digits) await mkdir(join(temp, split, String(digit)), { recursive: true })
    }
    await forEachLimited(
      files,
      options.concurrency ?? 8,
      async (file) => {
        const pixels = file.raw.pixels.subarray(file.source * 784, (file.source + 1) * 784)
        await writeFile(file.path, await grayPng(pixels))
      },
      (done) => options.onProgress?.(done, files.length),
    )
    await rm(folder, { recursive: true, force: true })
    await rename(temp, folder)
  } catch (error) {
    await rm(temp, { recursive: true, force: true })
    throw error
  }
  return { name, folder, files: files.length }
}
