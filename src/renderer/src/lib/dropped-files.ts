import type { FolderFile } from '../api/folder-upload'

/** The entries of a dropped directory, all of them (`readEntries` hands them out a batch at a time). */
async function children(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader()
  const all: FileSystemEntry[] = []
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
    if (batch.length === 0) return all
    all.push(...batch)
  }
}

const fileOf = (entry: FileSystemFileEntry): Promise<File> => new Promise((resolve, reject) => entry.file(resolve, reject))

/**
 * Every file under what was dropped, with its path from the dropped item's own name
 * (`digits/3/a.png`), as a folder input's `webkitRelativePath` gives it. The entries must be taken
 * from the drop event while it runs; walking them may take longer.
 */
export async function droppedFiles(entries: readonly FileSystemEntry[]): Promise<FolderFile[]> {
  const found: FolderFile[] = []
  const pending = [...entries]
  while (pending.length > 0) {
    const entry = pending.pop()!
    if (entry.isDirectory) pending.push(...(await children(entry as FileSystemDirectoryEntry)))
    else if (entry.isFile) found.push({ path: entry.fullPath.replace(/^\/+/, ''), file: await fileOf(entry as FileSystemFileEntry) })
  }
  return found
}

/** The files a file input chose, with their paths inside the folder a folder input (`webkitdirectory`) chose. */
export function chosenFiles(list: ArrayLike<File>): FolderFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }))
}

/**
 * The files inside one folder, as the importer names a dataset after its folder: kept as they are when
 * they already share one (a folder dropped or chosen), else put in one named after the single file
 * dropped (`digits.csv` → `digits/`) or called `dropped`.
 */
export function inOneFolder(files: readonly FolderFile[]): readonly FolderFile[] {
  const tops = new Set(files.map((entry) => (entry.path.includes('/') ? entry.path.split('/')[0] : null)))
  if (tops.size === 1 && !tops.has(null)) return files
  const folder = files.length === 1 ? files[0].path.split('/').pop()!.replace(/\.[^.]*$/, '') || 'dropped' : 'dropped'
  return files.map((entry) => ({ ...entry, path: `${folder}/${entry.path}` }))
}
