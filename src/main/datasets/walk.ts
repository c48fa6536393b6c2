import type { Stats } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { naturalCompare } from './natural'

/**
 * What a folder entry is. Links are never followed into folders (a link to a parent would loop):
 * a link to a regular file inside the imported folder is read like the file; a link to a file
 * outside it (`1.png → /etc/passwd`) is not, and neither is anything else a link points to.
 */
export type EntryKind = 'file' | 'folder' | 'folder-link' | 'outside-link' | 'broken-link' | 'link-loop' | 'special' | 'unreadable'

export interface FolderEntry {
  /** The entry's full path as bytes: a name that is not valid UTF-8 still opens. */
  readonly path: Buffer
  /** The entry's name for people (bytes that are not UTF-8 are shown as `\xNN`). */
  readonly name: string
  /** Path relative to the dataset root, with `/` separators, for people and split keys. */
  readonly relative: string
  readonly kind: EntryKind
  /** Size in bytes, for files. */
  readonly size: number
  /** For `special` and `unreadable`: what it is or what went wrong. */
  readonly detail: string
}

const SYSTEM_FILES = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini', '.localized', 'icon\r', '.directory'])
const SYSTEM_FOLDERS = new Set(['__macosx', '.ipynb_checkpoints', '.spotlight-v100', '.trashes', '.fseventsd', '$recycle.bin', 'system volume information', '.git'])

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A file name for people: UTF-8 when it is valid UTF-8, else printable ASCII with `\xNN` escapes. */
export function displayName(name: Buffer): string {
  try {
    return utf8.decode(name)
  } catch {
    return Array.from(name, (b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')
  }
}

/** The reason a file is operating-system clutter, or null when it is not. */
export function systemFileReason(name: string): string | null {
  const lower = name.toLowerCase()
  if (SYSTEM_FILES.has(lower)) return `system file (${name}), not an image`
  if (name.startsWith('._')) return 'macOS resource-fork file (._ prefix), not an image'
  return null
}

/** Whether a folder is clutter (macOS archive residue, notebooks' checkpoints, hidden folders). */
export function isSystemFolder(name: string): boolean {
  return SYSTEM_FOLDERS.has(name.toLowerCase()) || name.startsWith('.')
}

/** What a thing that is neither a file nor a folder is, for people: `a named pipe` (a FIFO), `a socket`, `a device`. */
export function specialKind(stats: Stats): string {
  return stats.isFIFO() ? 'a named pipe' : stats.isSocket() ? 'a socket' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : 'not a regular file'
}

function kindOf(stats: Stats): { kind: EntryKind; detail: string } {
  if (stats.isFile()) return { kind: 'file', detail: '' }
  if (stats.isDirectory()) return { kind: 'folder', detail: '' }
  return { kind: 'special', detail: specialKind(stats) }
}

/** Whether real path `real` is `root` or inside it (both as bytes). */
const inside = (real: Buffer, root: Buffer): boolean => real.equals(root) || (real.length > root.length && real.subarray(0, root.length).equals(root) && (root[root.length - 1] === 0x2f || real[root.length] === 0x2f))

async function describe(path: Buffer, rootOf: () => Promise<Buffer | null>): Promise<{ kind: EntryKind; size: number; detail: string }> {
  try {
    const own = await lstat(path)
    if (!own.isSymbolicLink()) return { ...kindOf(own), size: own.size }
  } catch (error) {
    return { kind: 'unreadable', size: 0, detail: errorText(error) }
  }
  try {
    const target = await stat(path)
    const { kind, detail } = kindOf(target)
    if (kind === 'folder') return { kind: 'folder-link', size: target.size, detail }
    if (kind === 'file') {
      const [real, root] = await Promise.all([realpath(path, { encoding: 'buffer' }), rootOf()])
      if (!root || !inside(real, root)) return { kind: 'outside-link', size: 0, detail: '' }
    }
    return { kind, size: target.size, detail }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP') return { kind: 'link-loop', size: 0, detail: '' }
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'broken-link', size: 0, detail: '' }
    return { kind: 'unreadable', size: 0, detail: errorText(error) }
  }
}

const ERROR_WORDS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'symbolic link loop',
  ENOTDIR: 'not a folder',
  EISDIR: 'is a folder',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  EAGAIN: 'no data available',
}

/** An error as one short line for people, e.g. `permission denied (EACCES)`, never a stack. */
export function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  if (e && typeof e.code === 'string' && e.code in ERROR_WORDS) return `${ERROR_WORDS[e.code]} (${e.code})`
  return e instanceof Error ? e.message.split('\n')[0] : String(error)
}

function joinPath(folder: Buffer, name: Buffer): Buffer {
  const slash = folder.length > 0 && folder[folder.length - 1] === 0x2f
  return Buffer.concat(slash ? [folder, name] : [folder, Buffer.from('/'), name])
}

/** The real path of the folder an import started from: `folder` with the parts of `relative` taken off (null if it is gone). */
function importRoot(folder: Buffer, relative: string): Promise<Buffer | null> {
  let root = folder.toString('latin1')
  for (let part = relative === '' ? 0 : relative.split('/').length; part > 0; part--) root = dirname(root)
  return realpath(Buffer.from(root, 'latin1'), { encoding: 'buffer' }).catch(() => null)
}

/**
 * The entries of one folder in natural order, each classified with `lstat` (links are looked
 * through only to say what they point at, and whether a file they name is inside the folder the
 * import started from, `relative` levels up). At most `parallel` file-system calls run at once.
 */
export async function listFolder(folder: Buffer, relative: string, parallel = 32): Promise<FolderEntry[]> {
  const dirents = await readdir(folder, { encoding: 'buffer', withFileTypes: true })
  // Asked for only when a link names a file: most folders have none.
  let root: Promise<Buffer | null> | undefined
  const rootOf = (): Promise<Buffer | null> => (root ??= importRoot(folder, relative))
  const entries: FolderEntry[] = new Array(dirents.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < dirents.length) {
      const i = next++
      const path = joinPath(folder, dirents[i].name)
      const name = displayName(dirents[i].name)
      const { kind, size, detail } = await describe(path, rootOf)
      entries[i] = { path, name, relative: relative ? `${relative}/${name}` : name, kind, size, detail }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, dirents.length) }, worker))
  return entries.sort((a, b) => naturalCompare(a.name, b.name) || Buffer.compare(a.path, b.path))
}
