import { readFile } from 'node:fs/promises'
import { IDX_IMAGES, IDX_LABELS } from '../../shared/dataset-files'
import { parseIdx } from './idx'
import { DatasetError, type SplitName } from './types'
import type { FolderEntry } from './walk'


/** An IDX image file and the label file with the same prefix (`train-images-idx3-ubyte` + `train-labels-idx1-ubyte`). */
export interface IdxPair {
  readonly prefix: string
  readonly images: FolderEntry
  readonly labels: FolderEntry | null
}

/** The image files of a folder, each with its label file when there is one. */
export function findIdxPairs(entries: readonly FolderEntry[]): IdxPair[] {
  const files = entries.filter((e) => e.kind === 'file')
  const labelsByPrefix = new Map<string, FolderEntry>()
  for (const entry of files) {
    const match = IDX_LABELS.exec(entry.name)
    if (match) labelsByPrefix.set(match[1].toLowerCase(), entry)
  }
  const pairs: IdxPair[] = []
  for (const entry of files) {
    const match = IDX_IMAGES.exec(entry.name)
    if (match) pairs.push({ prefix: match[1], images: entry, labels: labelsByPrefix.get(match[1].toLowerCase()) ?? null })
  }
  return pairs
}

/** The split a prefix names: MNIST's `train` and `t10k`, or `test`/`valid`; `null` when it says neither. */
export function idxSplitOf(prefix: string): SplitName | null {
  if (/(^|[^a-z])(t10k|test|testing|valid|validation|val)([^a-z]|$)/i.test(prefix)) return 'valid'
  if (/(^|[^a-z])(train|training)([^a-z]|$)/i.test(prefix)) return 'train'
  return null
}

/** The images and labels of one pair, checked against each other. */
export interface IdxImages {
  readonly width: number
  readonly height: number
  readonly count: number
  readonly pixels: Uint8Array
  readonly labels: Uint8Array
}

/** Read and check a pair: images of rank 3, labels of rank 1, the same count. */
export async function readIdxPair(pair: IdxPair): Promise<IdxImages> {
  if (!pair.labels) {
    throw new DatasetError(`${pair.images.relative} has no label file: expected ${pair.prefix}-labels-idx1-ubyte beside it`)
  }
  const images = parseIdx(await readFile(pair.images.path), pair.images.relative)
  const labels = parseIdx(await readFile(pair.labels.path), pair.labels.relative)
  if (images.dims.length !== 3) throw new DatasetError(`${pair.images.relative} holds rank-${images.dims.length} data, expected images (count × rows × columns)`)
  if (labels.dims.length !== 1) throw new DatasetError(`${pair.labels.relative} holds rank-${labels.dims.length} data, expected one label per image`)
  const [count, height, width] = images.dims
  if (labels.dims[0] !== count) throw new DatasetError(`${pair.images.relative} has ${count} images but ${pair.labels.relative} has ${labels.dims[0]} labels`)
  return { width, height, count, pixels: images.data, labels: labels.data }
}
