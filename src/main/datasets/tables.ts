import { basename } from 'node:path'
import type { DigitDataset, ImageSplit } from '../engine/data/dataset'
import { readPixelCsv } from './csv'
import { settleSplits, type Found, type FoundTable } from './found'
import { findIdxPairs, idxSplitOf, readIdxPair } from './idx-folder'
import { DatasetError, type SkippedFile, type SplitName } from './types'
import { extensionOf } from '../../shared/dataset-files'
import type { FolderEntry } from './walk'

/** Whether a listing holds IDX image files. */
export function hasIdx(entries: readonly FolderEntry[]): boolean {
  return findIdxPairs(entries).length > 0
}

/** The pixel CSV files of a listing. */
export function csvFiles(entries: readonly FolderEntry[]): FolderEntry[] {
  return entries.filter((e) => e.kind === 'file' && extensionOf(e.name) === '.csv')
}

function tablesFound(layout: 'csv' | 'idx', root: string, tables: FoundTable[], skipped: SkippedFile[], notes: string[], expected: string): Found {
  const settled = settleSplits(tables)
  return { layout, root, files: [], tables: settled.items, skipped, notes, expected }
}

/** MNIST IDX files: each `<prefix>-images-idx3-ubyte[.gz]` with its labels; `train`/`t10k` name the splits. */
export async function planIdx(root: string, entries: readonly FolderEntry[], only?: FolderEntry): Promise<Found> {
  const pairs = findIdxPairs(entries).filter((p) => !only || p.images === only || p.labels === only)
  const tables: FoundTable[] = []
  const skipped: SkippedFile[] = []
  for (const pair of pairs) {
    try {
      const idx = await readIdxPair(pair)
      const labels = Array.from(idx.labels, String)
      const file = pair.images.relative
      tables.push({ file, split: idxSplitOf(pair.prefix), ...idx, labels, rowName: (row) => `${file}#${row}` })
    } catch (error) {
      skipped.push({ file: pair.images.relative, reason: (error as Error).message })
    }
  }
  return tablesFound('idx', root, tables, skipped, [], 'MNIST IDX files: <prefix>-images-idx3-ubyte[.gz] with <prefix>-labels-idx1-ubyte[.gz], two or more labels')
}

/** The split a CSV's name suggests: `train.csv` trains, `test.csv` / `valid.csv` validate. */
function csvSplitOf(name: string): SplitName | null {
  return idxSplitOf(basename(name, extensionOf(name)))
}

/**
 * Pixel CSV files (Kaggle's digit-recognizer): labelled files become tables; a file without a
 * label column (Kaggle's test.csv) is recognised as unlabeled and noted, not imported.
 */
export async function planCsv(root: string, csvs: readonly { path: string | Buffer; relative: string }[]): Promise<Found> {
  const tables: FoundTable[] = []
  const skipped: SkippedFile[] = []
  const notes: string[] = []
  for (const csv of csvs) {
    let read
    try {
      read = await readPixelCsv(csv.path, csv.relative)
    } catch (error) {
      if (!(error instanceof DatasetError) || csvs.length === 1) throw error
      skipped.push({ file: csv.relative, reason: error.message })
      continue
    }
    skipped.push(...read.skipped)
    if (!read.labels) {
      notes.push(`${csv.relative}: ${read.count} images without labels (a test set to predict), not imported`)
      continue
    }
    const { lines } = read
    tables.push({ file: csv.relative, split: csvSplitOf(csv.relative), ...read, labels: read.labels, rowName: (row) => `${csv.relative}:${lines[row]}` })
  }
  if (tables.length === 0 && notes.length > 0) {
    throw new DatasetError(`${notes.join('; ')}.\nTo train, import a CSV with a label column (e.g. Kaggle's train.csv: label,pixel0..pixel783).`)
  }
  return tablesFound('csv', root, tables, skipped, notes, 'a CSV with a label column holding two or more labels (label,pixel0..pixel783)')
}

function splitTable(name: string, split: SplitName, images: ImageSplit, dataset: DigitDataset): FoundTable {
  return {
    file: `${name} ${split}`,
    split,
    width: dataset.width,
    height: dataset.height,
    count: images.count,
    pixels: images.pixels,
    labels: Array.from(images.labels, (l) => dataset.labelNames[l]),
    rowName: (row) => `${name} ${split} #${row}`,
  }
}

/** A built-in dataset seen as two tables, so it is summarised and inspected like any import. */
export function planBuiltin(dataset: DigitDataset): Found {
  return {
    layout: 'builtin',
    root: dataset.name,
    files: [],
    tables: [splitTable(dataset.name, 'train', dataset.train, dataset), splitTable(dataset.name, 'valid', dataset.valid, dataset)],
    skipped: [],
    notes: [],
    expected: 'a built-in dataset',
  }
}
