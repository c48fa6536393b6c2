import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, it } from 'vitest'

/**
 * The system parts some tests use besides npm's packages, and how a test that needs one reports it
 * missing: skipped as "not run: <what is missing, how to get it>", which the not-run reporter
 * (test/helpers/not-run-reporter.ts) repeats at the end of the run — never a stack trace, never a pass.
 * `npm test` (scripts/test.sh) installs them on Debian or Ubuntu first.
 */

/** Debian's Chromium, which the e2e tests drive (DIGIT_LAB_CHROMIUM names another). */
export const CHROMIUM_PATH = process.env.DIGIT_LAB_CHROMIUM || '/usr/bin/chromium'

/** The Python with Debian's python3-onnx (and NumPy), the independent checker of exported files (DIGIT_LAB_PYTHON names another). */
export const PYTHON_PATH = process.env.DIGIT_LAB_PYTHON || '/usr/bin/python3'

const HOW = 'run `npm test`, which installs it on Debian or Ubuntu, or'

/** Why Chromium cannot be used here, or null when it can. */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null
  return `Chromium is missing (${CHROMIUM_PATH}): ${HOW} install it yourself (sudo apt-get install chromium), or set DIGIT_LAB_CHROMIUM to a Chromium of your own`
}

/** The Electron binary a normal `npm install` downloads, or why there is none (ELECTRON_SKIP_BINARY_DOWNLOAD, a failed download). */
export function electronBinary(): { readonly path: string } | { readonly missing: string } {
  try {
    const path: unknown = createRequire(import.meta.url)('electron')
    if (typeof path === 'string' && existsSync(path)) return { path }
    return { missing: `no Electron binary (require('electron') gave ${String(path)}, which does not exist)` }
  } catch (error) {
    const reason = String(error instanceof Error ? error.message : error).split('\n')[0]
    return { missing: `no Electron binary (${reason}): run npm install without ELECTRON_SKIP_BINARY_DOWNLOAD` }
  }
}

let pythonAnswer: string | null | undefined

/** Why Python's onnx and NumPy cannot be used here, or null when they can (asked once per test file). */
export function pythonOnnxMissing(): string | null {
  if (pythonAnswer !== undefined) return pythonAnswer
  const result = spawnSync(PYTHON_PATH, ['-c', 'import onnx, numpy'], { encoding: 'utf8' })
  const what = result.error ? `${PYTHON_PATH} cannot run` : result.status !== 0 ? `${PYTHON_PATH} has no onnx module` : null
  pythonAnswer = what && `Python's onnx is missing (${what}): ${HOW} install it yourself (sudo apt-get install python3-onnx), or set DIGIT_LAB_PYTHON to a Python with onnx and numpy`
  return pythonAnswer
}

let torchAnswer: string | null | undefined

/** Why PyTorch (Debian's python3-torch) and NumPy cannot be used here, or null when they can (asked once per test file). */
export function pythonTorchMissing(): string | null {
  if (torchAnswer !== undefined) return torchAnswer
  const result = spawnSync(PYTHON_PATH, ['-c', 'import torch, numpy'], { encoding: 'utf8' })
  const what = result.error ? `${PYTHON_PATH} cannot run` : result.status !== 0 ? `${PYTHON_PATH} has no torch module` : null
  torchAnswer = what && `PyTorch is missing (${what}): ${HOW} install it yourself (sudo apt-get install python3-torch libopenblas0-pthread), or set DIGIT_LAB_PYTHON to a Python with torch and numpy`
  return torchAnswer
}

/** A describe block that needs a system part: run when `missing` is null, else skipped and named "not run: …". */
export function describeNeeding(missing: string | null, title: string, body: () => void): void {
  if (missing === null) describe(title, body)
  else describe.skip(`${title} — not run: ${missing}`, body)
}

/** A test that needs a system part: run when `missing` is null, else skipped and named "not run: …". */
export function itNeeding(missing: string | null, title: string, body: () => Promise<void> | void, timeout?: number): void {
  if (missing === null) it(title, body, timeout)
  else it.skip(`${title} — not run: ${missing}`, body)
}
