import type { ImagePage, ImagePageRequest, ImageView } from '../../shared/datasets'
import type { ImportResult } from '../datasets'
import type { DigitDataset, ImageSplit } from '../engine/data/dataset'

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

/**
 * A dataset's images as the app shows them — pixels, label and the file each came from — by page or by position:
 * what the Data view's grid asks of the open dataset in main, and the Lab's panels in their worker.
 */
export class DatasetImages {
  readonly #rowsByClass = new Map<string, Int32Array>()

  constructor(readonly dataset: DigitDataset, readonly sources: ImportResult['sources']) {}

  /** A page of images of one split (of one class, if given), in dataset order. */
  page(request: ImagePageRequest): ImagePage {
    const split = this.dataset[request.split]
    if (request.label !== undefined && request.label >= this.dataset.labelNames.length) {
      throw new Error(`label ${request.label} does not exist: this dataset has ${this.dataset.labelNames.length} classes`)
    }
    const rows = request.label === undefined ? null : this.#classRows(request.split, split, request.label)
    const total = rows ? rows.length : split.count
    const end = Math.min(total, request.offset + request.limit)
    const images: ImageView[] = []
    for (let k = request.offset; k < end; k++) images.push(this.at(request.split, rows ? rows[k] : k))
    return { total, images }
  }

  /** The image at `index` of a split (the caller has checked the index). */
  at(name: 'train' | 'valid', index: number): ImageView {
    const size = this.dataset.height * this.dataset.width
    const split = this.dataset[name]
    return {
      index,
      label: split.labels[index],
      source: this.sources[name][index] ?? `${name}[${index}]`,
      pixels: base64(split.pixels.subarray(index * size, (index + 1) * size)),
    }
  }

  #classRows(name: string, split: ImageSplit, label: number): Int32Array {
    const key = `${name}:${label}`
    let rows = this.#rowsByClass.get(key)
    if (!rows) {
      const found: number[] = []
      for (let i = 0; i < split.count; i++) if (split.labels[i] === label) found.push(i)
      rows = Int32Array.from(found)
      this.#rowsByClass.set(key, rows)
    }
    return rows
  }
}
