import { mkdtempSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

const made: string[] = []
const template = (prefix: string): string => join(tmpdir(), `digit-lab-${prefix}-`)

// NOTE: registered when a test file first imports this module (as Testing Library's auto-cleanup
// is), so every file that makes a folder here removes it after its last test without a hook of its own.
afterAll(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

/** A fresh folder `digit-lab-<prefix>-…` under the temporary folder, removed after the test file's last test. */
export async function tempFolder(prefix: string): Promise<string> {
  const dir = await mkdtemp(template(prefix))
  made.push(dir)
  return dir
}

/** `tempFolder` made at once, for a folder a test file sets up at its top level. */
export function tempFolderSync(prefix: string): string {
  const dir = mkdtempSync(template(prefix))
  made.push(dir)
  return dir
}
