import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { loadBuiltinDataset } from '../../src/main/datasets'
import { tempFolder } from '../helpers/temp-folder'

/** A folder of real MNIST 3s and 7s in `3/` and `7/`, where some 3s were filed (wrongly) under `7/`. */
export interface PlantedFolder {
  readonly root: string
  /** The 3s filed under `7/`, as the importer names them (`7/three-12.png`). */
  readonly planted: readonly string[]
}

/**
 * `per` MNIST training images of each of 3 and 7 as PNG files, the first `wrong` of the 3s put in
 * the 7 folder under a name that says what they are — the wrong labels a person would find and fix.
 */
export async function plantedFolder(per: number, wrong: number): Promise<PlantedFolder> {
  const root = await tempFolder('planted')
  const sample = loadBuiltinDataset('mnist-sample')
  const size = 28 * 28
  await mkdir(join(root, '3'))
  await mkdir(join(root, '7'))
  const planted: string[] = []
  const firstOf = (label: number): number => sample.train.labels.indexOf(label)
  for (const [label, name] of [[0, 'three'], [1, 'seven']] as const) {
    const start = firstOf(label)
    for (let i = 0; i < per; i++) {
      const pixels = sample.train.pixels.subarray((start + i) * size, (start + i + 1) * size)
      const folder = label === 0 && i < wrong ? '7' : String(sample.labelNames[label])
      const file = `${folder}/${name}-${i}.png`
      if (folder !== sample.labelNames[label]) planted.push(file)
      await sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, file))
    }
  }
  return { root, planted }
}

/**
 * train/ and valid/ folders of MNIST 3s and 7s (30 + 10 each), a class "x" of 3 images, 3 training images
 * copied into valid/ as they are, and 1 copied at 56×56 (the same image once resized to 28×28).
 */
export async function plantedDuplicates(): Promise<string> {
  const root = await tempFolder('health')
  const sample = loadBuiltinDataset('mnist-sample')
  const size = 28 * 28
  const png = (row: number, side = 28) =>
    sharp(Buffer.from(sample.train.pixels.subarray(row * size, (row + 1) * size)), { raw: { width: 28, height: 28, channels: 1 } }).resize(side, side, { kernel: 'nearest' }).png()
  const sevens = sample.train.labels.indexOf(1)
  for (const split of ['train', 'valid']) for (const label of ['3', '7', 'x']) await mkdir(join(root, split, label), { recursive: true })
  for (let i = 0; i < 40; i++) {
    const split = i < 30 ? 'train' : 'valid'
    await png(i).toFile(join(root, split, '3', `${i}.png`))
    await png(sevens + i).toFile(join(root, split, '7', `${i}.png`))
  }
  for (let i = 0; i < 3; i++) await png(100 + i).toFile(join(root, i < 2 ? 'train' : 'valid', 'x', `${i}.png`))
  for (const i of [0, 1, 2]) await png(i).toFile(join(root, 'valid', '3', `copy-${i}.png`))
  await png(sevens + 5, 56).toFile(join(root, 'valid', '7', 'big-copy.png'))
  return root
}
