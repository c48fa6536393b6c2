import { stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { CORRECTIONS_FILE } from '../../shared/corrections'
import { extensionOf, isIdxName, isImageName } from '../../shared/dataset-files'
import { BUILTIN_DATASETS, isBuiltinDataset, loadBuiltinDataset } from './builtin'
import { noneReadable } from './decode'
import { findSplitFolders, nothingFoundMessage, planClassFolders, planSplitFolders, visibleFolders } from './folders'
import { EXPECTED_LAYOUTS, type Found } from './found'
import { mergeUnicodeTwins } from './label-names'
import { naturalCompare, naturalSort } from './natural'
import { checkSplitSettings, DEFAULT_SEED, DEFAULT_VALID_PERCENT, seededSplit } from './split'
import { csvFiles, hasIdx, planBuiltin, planCsv, planIdx } from './tables'
import { DatasetError, type ImportOptions, type ImportPlan, type ImportProgress, type PixelTable, type PlannedFile } from './types'
import { errorText, listFolder } from './walk'

type Report = (progress: ImportProgress) => void

/** How many wrapper folders (a folder holding only one folder, as unzipping often leaves) are looked through. */
const WRAPPER_DEPTH = 3

/**
 * Find what a source holds and plan its import, decoding nothing: the layout, the classes
 * (folder names, in natural order), how many images each split will get, and what is skipped.
 * A source with no images, or with one class, is refused with a `DatasetError` saying what was expected.
 */
export async function planImport(source: string, options: ImportOptions = {}): Promise<ImportPlan> {
  const validPercent = options.validPercent ?? DEFAULT_VALID_PERCENT
  const seed = options.seed ?? DEFAULT_SEED
  checkSplitSettings(validPercent, seed)
  const report: Report = options.onProgress ?? (() => undefined)
  const found = isBuiltinDataset(source) ? planBuiltin(loadBuiltinDataset(source)) : await detect(resolve(source), report)
  await refuseUnreadable(found)
  return finishPlan(source, found, validPercent, seed)
}

/** How many skipped files a refusal lists (the import's own list has them all). */
const LISTED = 10

/**
 * Files of one class only: when none of them reads as an image, the truth is "no readable images" (with
 * why each failed), not "one class". Tried file by file until one reads, so a real class costs one decode.
 */
async function refuseUnreadable(found: Found): Promise<void> {
  if (found.tables.length > 0 || new Set(found.files.map((f) => f.label)).size !== 1) return
  const reasons = await noneReadable(found.files.map((f) => f.entry))
  if (!reasons) return
  const skipped = [...reasons, ...found.skipped]
  const list = skipped.slice(0, LISTED).map((s) => `\n  ${s.file}: ${s.reason}`).join('') + (skipped.length > LISTED ? `\n  … and ${skipped.length - LISTED} more` : '')
  const what = reasons.length === 1 ? 'the one file named like an image could not be read' : `none of the ${reasons.length} files named like images could be read`
  throw new DatasetError(
    `no readable images in ${found.root}: ${what}.${list}\nPut images Digit Lab reads (PNG, JPEG, WebP, GIF, TIFF, AVIF or BMP) in a folder per class, two classes or more.\nExpected ${found.expected}.`,
  )
}

async function detect(path: string, report: Report): Promise<Found> {
  let stats
  try {
    stats = await stat(path)
  } catch (error) {
    throw new DatasetError(`cannot open ${path} (${errorText(error)}): choose a folder of images, a CSV file, a folder of IDX files, or a built-in dataset (${BUILTIN_DATASETS.join(', ')})`)
  }
  if (stats.isDirectory()) return detectFolder(Buffer.from(path), path, report, 0)
  const name = basename(path)
  if (stats.isFile() && extensionOf(name) === '.csv') return planCsv(dirname(path), [{ path, relative: name }])
  if (stats.isFile() && isIdxName(name)) {
    const entries = await listFolder(Buffer.from(dirname(path)), '')
    return planIdx(dirname(path), entries, entries.find((e) => e.name === name))
  }
  const hint = isImageName(name) ? ' It is a single image: choose the folder that holds the label folders (e.g. digits/ with digits/3/…, digits/7/…).' : ''
  throw new DatasetError(`${path} is not a dataset.${hint}\nExpected one of:\n${EXPECTED_LAYOUTS}`)
}

async function detectFolder(path: Buffer, root: string, report: Report, depth: number): Promise<Found> {
  let entries
  try {
    entries = await listFolder(path, '')
  } catch (error) {
    throw new DatasetError(`cannot read the folder ${root} (${errorText(error)})`)
  }
  if (findSplitFolders(entries)) return planSplitFolders(root, entries, report)
  if (hasIdx(entries)) return planIdx(root, entries)
  const classes = await planClassFolders(root, entries, report)
  if (classes) return classes
  const csvs = csvFiles(entries)
  if (csvs.length > 0) return planCsv(root, csvs.map((e) => ({ path: e.path, relative: e.relative })))
  const folders = visibleFolders(entries)
  const images = entries.some((e) => e.kind === 'file' && isImageName(e.name))
  if (folders.length === 1 && !images && depth < WRAPPER_DEPTH) {
    const inner = await detectFolder(folders[0].path, `${root}/${folders[0].name}`, report, depth + 1)
    return { ...inner, notes: [`${root} holds one folder, ${folders[0].name}/: the dataset was read inside it`, ...inner.notes] }
  }
  if (images) {
    throw new DatasetError(`${root} holds images but no label folders: put each class's images in a folder named after its label (e.g. ${root}/3/, ${root}/7/).\nExpected one of:\n${EXPECTED_LAYOUTS}`)
  }
  throw new DatasetError(nothingFoundMessage(root, entries))
}

function labelNamesOf(found: Found): string[] {
  const names = new Set<string>(found.files.map((f) => f.label))
  for (const table of found.tables) for (const label of table.labels) names.add(label)
  const labelNames = naturalSort([...names])
  if (labelNames.length === 0) {
    const reasons = found.skipped.slice(0, 5).map((s) => `\n  ${s.file}: ${s.reason}`).join('')
    throw new DatasetError(`no images to import in ${found.root}${reasons ? `; skipped:${reasons}` : ''}\nExpected ${found.expected}.`)
  }
  if (labelNames.length === 1) {
    throw new DatasetError(`only one class ("${labelNames[0]}") in ${found.root}: a classifier needs two or more.\nExpected ${found.expected}.`)
  }
  return labelNames
}

/** Number the labels, order the files class by class (natural order inside a class), and count the splits. */
function finishPlan(source: string, written: Found, validPercent: number, seed: number): ImportPlan {
  const { found, notes: merged } = mergeUnicodeTwins(written)
  const labelNames = labelNamesOf(found)
  const index = new Map(labelNames.map((name, i) => [name, i]))
  const files: PlannedFile[] = found.files
    .map((f) => ({ path: f.entry.path, file: f.entry.relative, label: index.get(f.label)!, split: f.split, bytes: f.entry.size }))
    .sort((a, b) => a.label - b.label || naturalCompare(a.file, b.file))
  const tables: PixelTable[] = found.tables
    .filter((t) => t.count > 0)
    .map((t) => ({ ...t, labels: Int32Array.from(t.labels, (label) => index.get(label)!) }))
  const counts = { train: labelNames.map(() => 0), valid: labelNames.map(() => 0) }
  const keys: string[] = []
  const drawn: number[] = []
  const place = (split: 'train' | 'valid' | null, label: number, key: () => string): void => {
    if (split) counts[split][label]++
    else {
      keys.push(key())
      drawn.push(label)
    }
  }
  for (const f of files) place(f.split, f.label, () => f.file)
  for (const t of tables) for (let row = 0; row < t.count; row++) place(t.split, t.labels[row], () => t.rowName(row))
  const valid = seededSplit(keys, drawn, validPercent, seed)
  drawn.forEach((label, i) => counts[valid[i] ? 'valid' : 'train'][label]++)
  const validation = keys.length > 0 ? 'seeded' : 'folders'
  const notes = [...found.notes, ...merged]
  if (validation === 'seeded') notes.push(`validation split: ${validPercent}% of each class, drawn with seed ${seed}`)
  const images = files.length + tables.reduce((sum, t) => sum + t.count, 0)
  return { source, layout: found.layout, root: found.root, labelNames, validation, validPercent, seed, counts, images, notes, skipped: found.skipped.filter((s) => basename(s.file) !== CORRECTIONS_FILE), files, tables }
}
