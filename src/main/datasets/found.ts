import type { LayoutKind, SkippedFile, SplitName } from './types'
import type { FolderEntry } from './walk'

/** An image file a layout found, with its label as written on disk. */
export interface FoundFile {
  readonly entry: FolderEntry
  readonly label: string
  readonly split: SplitName | null
}

/** Images a layout found already in memory (a CSV or IDX file), labels as text. */
export interface FoundTable {
  readonly file: string
  readonly split: SplitName | null
  readonly width: number
  readonly height: number
  readonly count: number
  readonly pixels: Uint8Array
  readonly labels: readonly string[]
  readonly rowName: (row: number) => string
}

/**
 * What one layout detector found, before labels are numbered and the split is drawn: the images,
 * what it skipped, and — for a refusal — the layout it expected, in words.
 */
export interface Found {
  readonly layout: LayoutKind
  readonly root: string
  readonly files: FoundFile[]
  readonly tables: FoundTable[]
  readonly skipped: SkippedFile[]
  readonly notes: string[]
  readonly expected: string
}

/** The layouts Digit Lab reads, in words, for refusals. */
export const EXPECTED_LAYOUTS = [
  'split folders: train/<label>/… with valid/<label>/… (or training/, validation/, val/, test/, testing/)',
  'class folders: <label>/… — each folder name is a label; a seeded share of each is held out for validation',
  'a CSV with a label column and one square image per row (label,pixel0..pixel783)',
  'MNIST IDX files: *-images-idx3-ubyte[.gz] with *-labels-idx1-ubyte[.gz]',
].map((line) => `  • ${line}`).join('\n')

/**
 * Whether the items get their split from their folders or file names (`folders`) or from the seed:
 * a layout that brings a validation part keeps it, and the rest is training; otherwise all are drawn.
 */
export function settleSplits<T extends { split: SplitName | null }>(items: readonly T[]): { items: T[]; validation: 'folders' | 'seeded' } {
  const hasValid = items.some((item) => item.split === 'valid')
  const hasTrain = items.some((item) => item.split !== 'valid')
  if (hasValid && hasTrain) return { items: items.map((item) => ({ ...item, split: item.split ?? 'train' })), validation: 'folders' }
  return { items: items.map((item) => ({ ...item, split: null })), validation: 'seeded' }
}
