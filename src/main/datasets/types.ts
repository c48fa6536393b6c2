import type { CorrectionsView } from '../../shared/corrections'
import type { DigitDataset } from '../engine/data/dataset'
import type { CorrectionsOptions } from './corrections'

/** How the images of a dataset were laid out on disk, as detected. */
export type LayoutKind = 'builtin' | 'split-folders' | 'class-folders' | 'csv' | 'idx'

/**
 * What the source images look like: `auto` reads the border of each image (a light border means
 * dark ink on paper, which is inverted); `light-ink` keeps every image as is (MNIST); `dark-ink`
 * inverts every image.
 */
export type Polarity = 'auto' | 'light-ink' | 'dark-ink'

/**
 * How an image that is not square is brought to 28×28: `letterbox` keeps the aspect ratio and pads
 * with background, `stretch` distorts it, `crop` keeps the centre square. Never a silent crop.
 */
export type ResizeMode = 'letterbox' | 'stretch' | 'crop'

export type SplitName = 'train' | 'valid'

/** A file (or CSV row) that was not imported, and why, in one line. */
export interface SkippedFile {
  readonly file: string
  readonly reason: string
}

/** Files done out of files to do; `phase` says which pass is running (while scanning, `total` is 0: not known yet). */
export interface ImportProgress {
  readonly phase: 'scan' | 'decode'
  readonly done: number
  readonly total: number
}

export interface ImportOptions {
  /** Share of each class held out for validation when the layout has no validation split (default 20). */
  readonly validPercent?: number
  /** Seed of that split (default 42): the same seed gives the same split, file for file. */
  readonly seed?: number
  readonly polarity?: Polarity
  readonly resize?: ResizeMode
  /** Images decoded at once (default 8). */
  readonly concurrency?: number
  readonly onProgress?: (progress: ImportProgress) => void
  /** Aborting stops the import; it rejects with the signal's reason. */
  readonly signal?: AbortSignal
  /** Where corrections kept away from the images are found (the file beside them is always read). */
  readonly corrections?: CorrectionsOptions
}

/** Per split, the number of images of each class (indexed like `labelNames`). */
export interface SplitCounts {
  readonly train: readonly number[]
  readonly valid: readonly number[]
}

/** One image file the plan will decode. */
export interface PlannedFile {
  /** Path as the file system knows it (bytes, so names that are not UTF-8 still open). */
  readonly path: Buffer
  /** Path relative to the dataset root, for people (and the key of the seeded split). */
  readonly file: string
  readonly label: number
  /** `null` when the layout has no validation folder and the seeded split decides. */
  readonly split: SplitName | null
  readonly bytes: number
}

/** Images already in memory (a CSV or IDX file): `count` gray images of `height`×`width`. */
export interface PixelTable {
  readonly file: string
  readonly split: SplitName | null
  readonly width: number
  readonly height: number
  readonly count: number
  readonly pixels: Uint8Array
  readonly labels: Int32Array
  /** Row names for people and for the seeded split, e.g. `train.csv:2` (line 2). */
  readonly rowName: (row: number) => string
}

/**
 * What an import will do, shown before anything is decoded: the layout found, the classes, how
 * many images each split will hold, what was already skipped, and notes (e.g. an unlabeled test file).
 */
export interface ImportPlan {
  readonly source: string
  readonly layout: LayoutKind
  /** The folder (or file) the layout was found in: `source` itself, or a folder inside it. */
  readonly root: string
  readonly labelNames: readonly string[]
  /** `folders` when the layout brings its own validation split, `seeded` when it is drawn by seed. */
  readonly validation: 'folders' | 'seeded'
  readonly validPercent: number
  readonly seed: number
  readonly counts: SplitCounts
  readonly images: number
  readonly notes: readonly string[]
  readonly skipped: readonly SkippedFile[]
  readonly files: readonly PlannedFile[]
  readonly tables: readonly PixelTable[]
}

/** A finished import: the dataset, where each image came from, and what was left out. */
export interface ImportResult {
  readonly dataset: DigitDataset
  readonly plan: ImportPlan
  readonly counts: SplitCounts
  /** For each split, the source of each image in dataset order (a relative path or `file.csv:line`). */
  readonly sources: { readonly train: readonly string[]; readonly valid: readonly string[] }
  /** Images whose polarity was inverted (dark ink on a light background). */
  readonly inverted: number
  readonly skipped: readonly SkippedFile[]
  readonly notes: readonly string[]
  readonly seconds: number
  /** The corrections applied (relabelled, left out), and where they are kept; null when there is no place for them. */
  readonly corrections: CorrectionsView | null
}

/** A refusal a person can act on: the message says what was found and what layout was expected. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError'
}
