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
