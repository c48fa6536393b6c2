import { randomBytes } from 'node:crypto'
import { open, readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Random bytes in a temporary file's name, so concurrent writers never share one. */
const TAG_BYTES = 6

/**
 * Write a file so that it is either the old file or the complete new one, never a mix: the bytes
 * go to a temporary file in the same folder, are flushed to disk, then renamed over the target.
 * On any error the temporary file is removed and the existing file is left untouched.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(TAG_BYTES).toString('hex')}.tmp`)
  try {
    const handle = await open(temporary, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}

/**
 * Remove the hidden temporaries `writeFileAtomic` left beside `path` when the process was killed
 * mid-write (they are never read). Only names of exactly that pattern are touched; a missing folder is no error.
 */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const folder = dirname(path)
  const prefix = `.${basename(path)}.`
  const tag = new RegExp(`^[0-9a-f]{${TAG_BYTES * 2}}\\.tmp$`)
  let names: string[]
  try {
    names = await readdir(folder)
  } catch {
    return []
  }
  const stale = names.filter((name) => name.startsWith(prefix) && tag.test(name.slice(prefix.length)))
  await Promise.all(stale.map((name) => rm(join(folder, name), { force: true })))
  return stale
}
