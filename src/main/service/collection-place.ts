import { constants } from 'node:fs'
import { access, readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { PERSONAL_DATASET, type CollectTarget } from '../../shared/collect'
import { TRAIN_FOLDERS } from '../datasets/folders'

/** What the collection needs to know of the open dataset: where it came from and how it was laid out. */
export interface OpenFolderInfo {
  readonly name: string
  readonly source: string
  readonly layout: string
  /** The folder its layout was found in (the source, or a wrapper folder's inside). */
  readonly root: string
}

/** Where drawings of a target go: the dataset folder, the folder its `<label>/` folders sit in, or why nowhere. */
export type CollectionPlace =
  | { readonly folder: string; readonly classFolder: string; readonly problem: null }
  | { readonly folder: string | null; readonly classFolder: string | null; readonly problem: string }

export interface PlaceOptions {
  /** Digit Lab's own data folder, which holds the personal dataset (`datasets/My handwriting`). */
  readonly dataFolder?: string
  /** True for a folder the browser uploaded (a temporary copy). */
  readonly isUploadedCopy?: (folder: string) => boolean
  /** Whether a path can be written (default: the file system's answer; tests running as root ask otherwise). */
  readonly canWrite?: (path: string) => Promise<boolean>
}

const writable = (path: string): Promise<boolean> => access(path, constants.W_OK).then(() => true, () => false)
const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false)

/** The personal dataset's folder, or null without a data folder. */
export function personalFolder(dataFolder: string | undefined): string | null {
  return dataFolder ? join(dataFolder, 'datasets', PERSONAL_DATASET) : null
}

/** The nearest existing folder at or above `path` (what creating it would write into). */
async function nearestExisting(path: string): Promise<string> {
  let at = path
  while (!(await exists(at)) && dirname(at) !== at) at = dirname(at)
  return at
}

/** The training folder of a train/valid layout (`train/` or `training/`, any case), or `train/` when none is found. */
async function trainFolder(root: string): Promise<string> {
  const names = await readdir(root).catch(() => [] as string[])
  return join(root, names.find((name) => TRAIN_FOLDERS.includes(name.toLowerCase())) ?? 'train')
}

/** Where drawings of `target` go now, checked for writing; `open` is the open dataset (or null). */
export async function collectionPlace(target: CollectTarget, open: OpenFolderInfo | null, options: PlaceOptions): Promise<CollectionPlace> {
  const canWrite = options.canWrite ?? writable
  if (target === 'personal') {
    const folder = personalFolder(options.dataFolder)
    if (!folder) return { folder: null, classFolder: null, problem: 'Digit Lab was given no data folder to keep a personal dataset in: open a folder of your own and collect into it' }
    if (!(await canWrite(await nearestExisting(folder)))) return { folder, classFolder: folder, problem: `${folder} cannot be written (no permission): drawings cannot be kept there` }
    return { folder, classFolder: folder, problem: null }
  }
  if (!open) return { folder: null, classFolder: null, problem: 'no dataset is open: open a folder of class folders first, or collect into your personal dataset' }
  const refusal = (problem: string): CollectionPlace => ({ folder: null, classFolder: null, problem })
  if (open.layout === 'builtin') return refusal(`${open.name} is built in, not a folder on this computer: collect into your personal dataset`)
  if (open.layout === 'csv' || open.layout === 'idx') {
    return refusal(`${open.name} is ${open.layout === 'csv' ? 'a CSV file' : 'MNIST IDX files'}, and drawings are kept as PNG files in class folders: collect into your personal dataset`)
  }
  if (options.isUploadedCopy?.(open.root)) {
    return refusal(`${open.name} was uploaded by the browser: it is a temporary copy, and drawings kept in it would be lost when the server stops. Collect into your personal dataset, or open the folder by typing its path`)
  }
  const classFolder = open.layout === 'split-folders' ? await trainFolder(open.root) : open.root
  if (!(await canWrite(await nearestExisting(classFolder)))) {
    return { folder: open.root, classFolder, problem: `${classFolder} cannot be written (read-only or no permission): collect into your personal dataset instead` }
  }
  return { folder: open.root, classFolder, problem: null }
}
