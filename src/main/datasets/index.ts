import type { DigitDataset } from '../engine/data/dataset'
import { importDataset } from './import'
import type { ImportOptions } from './types'

/**
 * Open a dataset by name (a built-in sample) or path (a folder of images, a CSV file, a folder of
 * IDX files) — the dataset alone; `importDataset` also says what was skipped and why.
 */
export async function openDataset(source: string, options: ImportOptions = {}): Promise<DigitDataset> {
  return (await importDataset(source, options)).dataset
}

export { BUILTIN_DATASETS, isBuiltinDataset, loadBuiltinDataset, type BuiltinDatasetName } from './builtin'
export { parseIdx, type IdxArray } from './idx'
export { planImport } from './layout'
export { importDataset, importPlan } from './import'
export { DEFAULT_SEED, DEFAULT_VALID_PERCENT } from './split'
export { MAX_INPUT_PIXELS } from './decode'
export { summarizeDataset, type ClassSummary, type DatasetSummary, type PixelStats } from './summary'
export { contactSheetPng, writeContactSheet } from './contact-sheet'
export { SAMPLE_FOLDERS, writeSample, type SampleName, type SampleOptions, type SampleWritten } from './samples'
export {
  DatasetError,
  type ImportOptions,
  type ImportPlan,
  type ImportProgress,
  type ImportResult,
  type LayoutKind,
  type PixelTable,
  type PlannedFile,
  type Polarity,
  type ResizeMode,
  type SkippedFile,
  type SplitCounts,
} from './types'
