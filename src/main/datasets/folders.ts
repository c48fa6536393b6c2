import { MAX_FILE_BYTES } from './decode'
import { EXPECTED_LAYOUTS, settleSplits, type Found, type FoundFile } from './found'
import type { ImportProgress, SkippedFile, SplitName } from './types'
import { extensionOf, isImageName } from '../../shared/dataset-files'
import { errorText, isSystemFolder, listFolder, systemFileReason, type FolderEntry } from './walk'

export const TRAIN_FOLDERS = ['train', 'training']
export const VALID_FOLDERS = ['valid', 'validation', 'val', 'test', 'testing']

type Report = (progress: ImportProgress) => void

/**
 * Why an entry is not an image to decode, or null when it is one. `where` names the folder a
 * person should have put it in, for entries that are fine but misplaced.
 */
export function skipReason(entry: FolderEntry, where: 'label' | 'above-labels'): string | null {
  switch (entry.kind) {
    case 'folder':
      return where === 'label' ? 'folder inside a label folder: not read (images must sit directly in <label>/)' : null
    case 'folder-link':
      return 'link to a folder: not followed'
    case 'outside-link':
      return 'link to a file outside the imported folder: not followed'
    case 'broken-link':
      return 'broken symbolic link'
    case 'link-loop':
      return 'symbolic link loop'
    case 'special':
      return `not a regular file (${entry.detail})`
    case 'unreadable':
      return `cannot read: ${entry.detail}`
    case 'file':
      break
  }
  const system = systemFileReason(entry.name)
  if (system) return system
  if (!isImageName(entry.name)) return `not an image file (${extensionOf(entry.name) || 'no extension'})`
  if (where === 'above-labels') return 'image outside a label folder: put it in a <label>/ folder'
  if (entry.size === 0) return 'empty file (0 bytes)'
  if (entry.size > MAX_FILE_BYTES) return `file too large for a digit image (${Math.round(entry.size / 2 ** 20)} MB)`
  return null
}

/** The folders in a listing that can hold labels (not hidden, not system clutter). */
export function visibleFolders(entries: readonly FolderEntry[]): FolderEntry[] {
  return entries.filter((e) => e.kind === 'folder' && !isSystemFolder(e.name))
}

/** Everything in a listing that is not one of `used`, each with its reason. */
function skipOthers(entries: readonly FolderEntry[], used: ReadonlySet<FolderEntry>, why: string): SkippedFile[] {
  return entries
    .filter((e) => !used.has(e))
    .map((e) => ({ file: e.kind === 'folder' ? `${e.relative}/` : e.relative, reason: skipReason(e, 'above-labels') ?? (isSystemFolder(e.name) ? 'system or hidden folder, not read' : why) }))
}

interface LabelScan {
  readonly files: FoundFile[]
  readonly skipped: SkippedFile[]
}

/** The images of one label folder; every other entry is skipped with its reason. */
async function scanLabel(folder: FolderEntry, split: SplitName | null, report: Report, seen: { files: number }): Promise<LabelScan> {
  const files: FoundFile[] = []
  const skipped: SkippedFile[] = []
  let entries: FolderEntry[]
  try {
    entries = await listFolder(folder.path, folder.relative)
  } catch (error) {
    return { files, skipped: [{ file: `${folder.relative}/`, reason: `cannot read folder: ${errorText(error)}` }] }
  }
  for (const entry of entries) {
    const reason = skipReason(entry, 'label')
    if (reason) skipped.push({ file: entry.kind === 'folder' ? `${entry.relative}/` : entry.relative, reason })
    else files.push({ entry, label: folder.name, split })
  }
  if (files.length === 0) skipped.push({ file: `${folder.relative}/`, reason: 'label folder with no images: not a class' })
  seen.files += entries.length
  report({ phase: 'scan', done: seen.files, total: 0 })
  return { files, skipped }
}

async function scanLabels(folders: readonly FolderEntry[], split: SplitName | null, report: Report, seen: { files: number }): Promise<LabelScan> {
  const scans = await Promise.all(folders.map((folder) => scanLabel(folder, split, report, seen)))
  return { files: scans.flatMap((s) => s.files), skipped: scans.flatMap((s) => s.skipped) }
}

function pick(folders: readonly FolderEntry[], names: readonly string[]): FolderEntry | undefined {
  for (const name of names) {
    const found = folders.find((f) => f.name.toLowerCase() === name)
    if (found) return found
  }
  return undefined
}

/** The split folders of a listing, if it has a training folder. */
export function findSplitFolders(entries: readonly FolderEntry[]): { train: FolderEntry; valid: FolderEntry | undefined } | null {
  const folders = visibleFolders(entries)
  const train = pick(folders, TRAIN_FOLDERS)
  return train ? { train, valid: pick(folders, VALID_FOLDERS) } : null
}

/** `train|training/<label>/…` with `valid|validation|val|test|testing/<label>/…`: fast.ai's and MNIST's layouts. */
export async function planSplitFolders(root: string, entries: readonly FolderEntry[], report: Report): Promise<Found> {
  const { train, valid } = findSplitFolders(entries)!
  const seen = { files: 0 }
  const files: FoundFile[] = []
  const skipped: SkippedFile[] = []
  const notes: string[] = []
  for (const [split, folder] of [['train', train], ['valid', valid]] as const) {
    if (!folder) continue
    const inside = await listFolder(folder.path, folder.relative)
    const labels = visibleFolders(inside)
    const scan = await scanLabels(labels, split, report, seen)
    files.push(...scan.files)
    skipped.push(...skipOthers(inside, new Set(labels), 'not a label folder'), ...scan.skipped)
  }
  const why = `not part of the layout (${train.name}/ and ${valid ? `${valid.name}/` : 'no validation folder'} are)`
  skipped.unshift(...skipOthers(entries, new Set([train, ...(valid ? [valid] : [])]), why))
  const settled = settleSplits(files)
  if (settled.validation === 'seeded') notes.push(`no images in a validation folder (valid/, validation/, val/, test/): a seeded share of ${train.name}/ is held out`)
  return {
    layout: 'split-folders',
    root,
    files: settled.items,
    tables: [],
    skipped,
    notes,
    expected: `split folders ${train.name}/<label>/… with at least two label folders holding images`,
  }
}

/** Flat class folders `<label>/…`, if any folder of the listing holds images. */
export async function planClassFolders(root: string, entries: readonly FolderEntry[], report: Report): Promise<Found | null> {
  const labels = visibleFolders(entries)
  const scan = await scanLabels(labels, null, report, { files: 0 })
  if (scan.files.length === 0) return null
  return {
    layout: 'class-folders',
    root,
    files: scan.files,
    tables: [],
    skipped: [...skipOthers(entries, new Set(labels), 'not a label folder'), ...scan.skipped],
    notes: [],
    expected: 'class folders <label>/… — at least two folders holding images, like 3/ and 7/',
  }
}

/** A refusal for a folder where no layout was found: what is there, and what was expected. */
export function nothingFoundMessage(root: string, entries: readonly FolderEntry[]): string {
  const shown = entries.slice(0, 5).map((e) => (e.kind === 'folder' ? `${e.name}/` : e.name))
  const what = entries.length === 0 ? 'it is empty' : `it holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${shown.join(', ')}${entries.length > 5 ? ', …' : ''}) but no images in a known layout`
  return `no digit images found in ${root}: ${what}.\nExpected one of:\n${EXPECTED_LAYOUTS}`
}
