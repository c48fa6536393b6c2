import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Vitest's global setup: the run gets a private temporary folder (TMPDIR, inherited by the test
 * workers, the code under test and the processes it starts), so folders other programs make in /tmp
 * at the same time are never counted. At teardown the folder is removed, and the run fails naming
 * any `digit-lab-*` folder or file a test, or the app under test, left in it, and any
 * `mat-debug-<pid>.log` or `.ses` a model load left (onnxruntime's telemetry).
 */
export default async function setup(): Promise<() => Promise<void>> {
  // Each vitest project (vitest.config.ts) runs this setup; the first one's folder serves the whole run.
  if (process.env.DIGIT_LAB_TESTS_TMPDIR) return async () => {}
  const parent = await mkdtemp(join(tmpdir(), 'digit-lab-tests-'))
  process.env.TMPDIR = parent
  process.env.DIGIT_LAB_TESTS_TMPDIR = parent
  return async () => {
    // Other programs' leavings (Chromium's profile, tsx's cache) go with the folder but are not ours to judge.
    // mat-debug-<pid>.log and .ses are onnxruntime's telemetry files (src/main/onnx/runtime.ts turns it off).
    const left = (await readdir(parent)).filter((name) => name.startsWith('digit-lab-') || /^mat-debug-\d+\.log$/.test(name) || name === '.ses')
    await rm(parent, { recursive: true, force: true })
    delete process.env.DIGIT_LAB_TESTS_TMPDIR
    if (left.length === 0) return
    // NOTE: vitest only logs an error thrown at teardown, so the exit code is set here.
    process.exitCode = 1
    throw new Error(`the tests left ${left.length} temporary folder(s) behind: ${left.join(', ')}; remove what a test makes (test/helpers/temp-folder.ts does it for you)`)
  }
}
