import type { DigitDataset } from '../engine/data/dataset'
import { BUILTIN_DATASETS, isBuiltinDataset, loadBuiltinDataset } from './builtin'

/** Open a dataset by name (a built-in sample) or path. */
export async function openDataset(source: string): Promise<DigitDataset> {
  if (isBuiltinDataset(source)) return loadBuiltinDataset(source)
  throw new Error(`unknown dataset "${source}": use one of ${BUILTIN_DATASETS.join(', ')}`)
}

export { BUILTIN_DATASETS, isBuiltinDataset, loadBuiltinDataset } from './builtin'
export { parseIdx, type IdxArray } from './idx'
