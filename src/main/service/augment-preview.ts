import type { AugmentedImage } from '../../shared/datasets'
import { RandomAffine } from '../engine/data/augment'
import { Random } from '../engine/random'
import type { OpenDataset } from './open-dataset'

/**
 * `count` training images spread evenly over the split (so over its classes, which it holds class by
 * class), each beside the random affine training with augmentation would draw for it — the engine's own
 * transform, seeded by `seed`, so the same seed shows the same strip.
 */
export function augmentPreview(open: OpenDataset, count: number, seed: number): AugmentedImage[] {
  const { train, height, width } = open.dataset
  const n = Math.min(count, train.count)
  const indices = Array.from({ length: n }, (_, i) => Math.floor((i * train.count) / n))
  const affine = new RandomAffine(new Random(seed))
  const size = height * width
  const source = new Float32Array(size)
  const target = new Float32Array(size)
  return open.imagesAt('train', indices).map((original, i) => {
    const row = indices[i]
    for (let p = 0; p < size; p++) source[p] = train.pixels[row * size + p] / 255
    affine.apply(source, 0, target, 0, height, width)
    const pixels = Uint8Array.from(target, (value) => Math.round(Math.min(1, Math.max(0, value)) * 255))
    return { original, augmented: Buffer.from(pixels).toString('base64') }
  })
}
