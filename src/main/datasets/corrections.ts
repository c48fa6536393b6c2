import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { access, mkdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import * as v from 'valibot'
import { CORRECTIONS_FILE, CorrectionSchema, type Correction } from '../../shared/corrections'
import { writeFileAtomic } from '../storage/atomic-write'
import type { ImportPlan } from './types'

/** The corrections file as written: a tag, a version, and the corrections oldest first (one per file). */
const CorrectionsFileSchema = v.object({
  format: v.literal('digit-lab-corrections'),
  version: v.literal(1),
  corrections: v.array(CorrectionSchema),
})

/** Where the corrections of a dataset may be kept besides the folder of its images. */
export interface CorrectionsOptions {
  /** Digit Lab's own data folder: corrections of built-ins, read-only folders and uploaded copies go there. */
  readonly dataFolder?: string
  /** True for a folder that is a copy (a browser upload): its corrections are kept by the folder's name instead. */
  readonly isCopy?: (folder: string) => boolean
  /** Whether a path can be written (default: the file system's answer; tests running as root, who may write anywhere, ask otherwise). */
  readonly canWrite?: (path: string) => Promise<boolean>
}

/** Where one dataset's corrections live, and (when not beside its images) why. */
export interface CorrectionsPlace {
  readonly path: string
  readonly elsewhere: string | null
  /** A file beside the images read when `path` does not exist yet (a read-only folder that ships one). */
  readonly fallback: string | null
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false)
const writable = (path: string): Promise<boolean> => access(path, constants.W_OK).then(() => true, () => false)
const keyOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12)
const safeName = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'dataset'

/** The folder a dataset's images were found in (a CSV file's folder for a CSV file). */
async function imageFolder(plan: Pick<ImportPlan, 'root'>): Promise<string> {
  const info = await stat(plan.root).catch(() => null)
  return info?.isDirectory() ? plan.root : dirname(plan.root)
}

/**
 * Where a dataset's corrections are kept: `digit-lab-corrections.json` in the folder of its images when
 * that folder can be written (or already holds one that can); otherwise — a built-in, a read-only folder,
 * a browser's uploaded copy — a file in Digit Lab's data folder named after the dataset. Null when there
 * is no such place (a built-in or read-only folder with no data folder given).
 */
export async function correctionsPlace(plan: Pick<ImportPlan, 'layout' | 'source' | 'root'>, options: CorrectionsOptions = {}): Promise<CorrectionsPlace | null> {
  const inData = (name: string, elsewhere: string, fallback: string | null = null): CorrectionsPlace | null =>
    options.dataFolder ? { path: join(options.dataFolder, 'corrections', `${name}.json`), elsewhere, fallback } : null
  if (plan.layout === 'builtin') return inData(`builtin-${safeName(plan.source)}`, 'a built-in dataset has no folder of its own')
  const folder = await imageFolder(plan)
  const beside = join(folder, CORRECTIONS_FILE)
  if (options.isCopy?.(folder)) {
    const name = basename(folder)
    return inData(`uploaded-${safeName(name)}`, `the browser uploaded a copy of “${name}”, so they are kept by the folder's name`, (await exists(beside)) ? beside : null)
  }
  const there = await exists(beside)
  const canWrite = options.canWrite ?? writable
  if (await canWrite(there ? beside : folder)) return { path: beside, elsewhere: null, fallback: null }
  return inData(`${safeName(basename(folder))}-${keyOf(resolve(folder))}`, 'the folder of the images is read-only', there ? beside : null)
}

/** The SHA-256 of an image file's bytes, as a correction records it; null for a CSV row or a file that cannot be read. */
export async function imageDigest(plan: Pick<ImportPlan, 'root'>, file: string): Promise<string | null> {
  if (/\.csv:\d+$/i.test(file)) return null
  const bytes = await readFile(join(await imageFolder(plan), file)).catch(() => null)
  return bytes && createHash('sha256').update(bytes).digest('hex')
}

/**
 * The corrections whose image is still the one corrected, and why the others are set aside (kept, not applied):
 * a correction that recorded its image's SHA-256 applies only while the file of that name holds those bytes —
 * not to another folder uploaded under the same name, nor to an image replaced since.
 */
export async function sameImages(plan: Pick<ImportPlan, 'root'>, corrections: readonly Correction[]): Promise<{ current: Correction[]; changed: string[] }> {
  const current: Correction[] = []
  const changed: string[] = []
  for (const correction of corrections) {
    const digest = correction.sha256 === undefined ? undefined : await imageDigest(plan, correction.file)
    if (digest === undefined || digest === null || digest === correction.sha256) current.push(correction)
    else changed.push(`${correction.file}: not the image that was corrected (its bytes differ)`)
  }
  return { current, changed }
}

/** A corrections file that is not what Digit Lab writes: the message says which file and what to do. */
export class CorrectionsFileError extends Error {
  override readonly name = 'CorrectionsFileError'
}

/** The corrections kept at a place, oldest first; none when there is no file yet. */
export async function readCorrections(place: CorrectionsPlace): Promise<Correction[]> {
  const path = (await exists(place.path)) ? place.path : place.fallback
  if (!path) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new CorrectionsFileError(`${path} is not a corrections file Digit Lab can read (${(error as Error).message}); fix it or move it away, then open the dataset again`)
  }
  const result = v.safeParse(CorrectionsFileSchema, parsed)
  if (!result.success) {
    const issue = result.issues[0]
    const where = issue.path?.map((item) => String(item.key)).join('.') ?? ''
    throw new CorrectionsFileError(`${path} is not a corrections file Digit Lab can read (${where ? `${where}: ` : ''}${issue.message}); fix it or move it away, then open the dataset again`)
  }
  return result.output.corrections
}

/** Write the corrections (atomically), one per file, in the order given; a data folder's is made when missing. */
export async function writeCorrections(place: Pick<CorrectionsPlace, 'path' | 'elsewhere'>, corrections: readonly Correction[]): Promise<void> {
  if (place.elsewhere) await mkdir(dirname(place.path), { recursive: true })
  const body = { format: 'digit-lab-corrections', version: 1, corrections }
  await writeFileAtomic(place.path, `${JSON.stringify(body, null, 2)}\n`)
}

/** The corrections with `correction` added: it replaces any earlier one of the same file. */
export function withCorrection(corrections: readonly Correction[], correction: Correction): Correction[] {
  return [...corrections.filter((c) => c.file !== correction.file), correction]
}

/** The corrections without the one of `file` (undo); refused when there is none. */
export function withoutCorrection(corrections: readonly Correction[], file: string): Correction[] {
  const left = corrections.filter((c) => c.file !== file)
  if (left.length === corrections.length) throw new Error(`${file} has no correction to undo`)
  return left
}

/** What applying corrections to an import did: counts, and those that matched no image (or no class). */
export interface AppliedCorrections {
  relabelled: number
  leftOut: number
  readonly unmatched: string[]
}

/**
 * Apply corrections to decoded images, by source: a relabel sets the label to the class of that name,
 * a leave-out marks the image as not imported. A correction naming no image here, or a class this
 * dataset has not, is counted as unmatched and changes nothing.
 */
export function applyCorrections(corrections: readonly Correction[], sources: readonly string[], ok: Uint8Array, labels: Int32Array, labelNames: readonly string[]): AppliedCorrections {
  const applied: AppliedCorrections = { relabelled: 0, leftOut: 0, unmatched: [] }
  const rowOf = new Map<string, number>()
  sources.forEach((source, row) => ok[row] && rowOf.set(source, row))
  for (const correction of corrections) {
    const row = rowOf.get(correction.file)
    if (row === undefined) {
      applied.unmatched.push(`${correction.file}: no such image in this dataset`)
      continue
    }
    if (correction.action === 'leave-out') {
      ok[row] = 0
      applied.leftOut++
      continue
    }
    // Class names are in Unicode NFC (label-names.ts); a file written before, or by hand, may spell one decomposed.
    const label = labelNames.indexOf(correction.label.normalize('NFC'))
    if (label < 0) {
      applied.unmatched.push(`${correction.file}: this dataset has no class “${correction.label}”`)
      continue
    }
    labels[row] = label
    applied.relabelled++
  }
  return applied
}
