import type { CorrectionsView } from '../../shared/corrections'
import type { DigitDataset, ImageSplit } from '../engine/data/dataset'
import { applyCorrections, correctionsPlace, readCorrections, sameImages } from './corrections'
import { decodeImage, normalizeGray, readImageFile, skipReason, type DecodedImage, type DecodeSettings } from './decode'
import { planImport } from './layout'
import { IMAGE_SIDE } from './pixels'
import { forEachLimited } from './pool'
import { seededSplit } from './split'
import { DatasetError, type ImportOptions, type ImportPlan, type ImportResult, type PlannedFile, type Polarity, type ResizeMode, type SkippedFile } from './types'

const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE
const POLARITIES: readonly Polarity[] = ['auto', 'light-ink', 'dark-ink']
const RESIZE_MODES: readonly ResizeMode[] = ['letterbox', 'stretch', 'crop']
const SPLIT_CODE = { train: 0, valid: 1 } as const
const DRAWN = 2

/** Every image of a plan decoded into one buffer, with where each came from and whether it made it. */
interface Decoded {
  readonly pixels: Uint8Array
  readonly ok: Uint8Array
  readonly labels: Int32Array
  readonly splits: Uint8Array
  readonly sources: string[]
  readonly skipped: SkippedFile[]
  inverted: number
}

function decodeSettings(options: ImportOptions): DecodeSettings {
  const polarity = options.polarity ?? 'auto'
  const resize = options.resize ?? 'letterbox'
  if (!POLARITIES.includes(polarity)) throw new RangeError(`polarity must be one of ${POLARITIES.join(', ')}, got ${String(polarity)}`)
  if (!RESIZE_MODES.includes(resize)) throw new RangeError(`resize must be one of ${RESIZE_MODES.join(', ')}, got ${String(resize)}`)
  return { polarity, resize }
}

function emptyDecoded(total: number): Decoded {
  return {
    pixels: new Uint8Array(total * IMAGE_SIZE),
    ok: new Uint8Array(total),
    labels: new Int32Array(total),
    splits: new Uint8Array(total),
    sources: new Array<string>(total),
    skipped: [],
    inverted: 0,
  }
}

function keep(out: Decoded, i: number, image: DecodedImage): void {
  out.pixels.set(image.pixels, i * IMAGE_SIZE)
  out.ok[i] = 1
  if (image.inverted) out.inverted++
}

/** Read and decode the plan's files, a few at a time; a file that fails is skipped with its reason. */
async function decodeFiles(plan: ImportPlan, out: Decoded, settings: DecodeSettings, options: ImportOptions, report: (done: number) => void): Promise<void> {
  const task = async (file: PlannedFile, i: number): Promise<void> => {
    out.labels[i] = file.label
    out.splits[i] = file.split ? SPLIT_CODE[file.split] : DRAWN
    out.sources[i] = file.file
    try {
      keep(out, i, await decodeImage(await readImageFile(file.path, file.bytes), settings))
    } catch (error) {
      out.skipped.push({ file: file.file, reason: skipReason(error) })
    }
  }
  await forEachLimited(plan.files, options.concurrency ?? 8, task, report, options.signal)
}

/** Bring the rows of the plan's in-memory tables (CSV, IDX) to 28×28 MNIST polarity, after its files. */
async function decodeTables(plan: ImportPlan, out: Decoded, settings: DecodeSettings, options: ImportOptions, report: (done: number) => void): Promise<void> {
  let i = plan.files.length
  for (const table of plan.tables) {
    const size = table.width * table.height
    for (let row = 0; row < table.count; row++, i++) {
      out.labels[i] = table.labels[row]
      out.splits[i] = table.split ? SPLIT_CODE[table.split] : DRAWN
      out.sources[i] = table.rowName(row)
      try {
        const normalized = normalizeGray(table.pixels.subarray(row * size, (row + 1) * size), table.width, table.height, settings)
        keep(out, i, normalized instanceof Promise ? await normalized : normalized)
      } catch (error) {
        out.skipped.push({ file: out.sources[i], reason: skipReason(error) })
      }
      if (i % 1000 === 0) {
        options.signal?.throwIfAborted()
        report(i)
      }
    }
  }
}

async function decodeAll(plan: ImportPlan, options: ImportOptions): Promise<Decoded> {
  const settings = decodeSettings(options)
  const out = emptyDecoded(plan.images)
  const report = (done: number): void => options.onProgress?.({ phase: 'decode', done, total: plan.images })
  await decodeFiles(plan, out, settings, options, report)
  await decodeTables(plan, out, settings, options, report)
  report(plan.images)
  return out
}

/** Classes left with no image after decoding are dropped (and noted); fewer than two is a refusal. */
function survivingClasses(plan: ImportPlan, decoded: Decoded, notes: string[]): { labelNames: string[]; remap: Int32Array } {
  const present = new Uint8Array(plan.labelNames.length)
  for (let i = 0; i < decoded.ok.length; i++) if (decoded.ok[i]) present[decoded.labels[i]] = 1
  const labelNames = plan.labelNames.filter((_, c) => present[c])
  const remap = new Int32Array(plan.labelNames.length).fill(-1)
  let next = 0
  plan.labelNames.forEach((name, c) => {
    if (present[c]) remap[c] = next++
    else notes.push(`class "${name}" has no image that could be read: left out`)
  })
  if (labelNames.length < 2) {
    const reasons = decoded.skipped.slice(0, 5).map((s) => `\n  ${s.file}: ${s.reason}`).join('')
    throw new DatasetError(`only ${labelNames.length} class${labelNames.length === 1 ? '' : 'es'} of ${plan.root} had images that could be read; a classifier needs two or more.${reasons}`)
  }
  return { labelNames, remap }
}

/** The rows of one split, class by class, in plan order inside a class (a stable bucket sort). */
function classMajor(decoded: Decoded, rows: readonly number[], split: number, classes: number): number[] {
  const buckets: number[][] = Array.from({ length: classes }, () => [])
  for (const row of rows) if (decoded.splits[row] === split) buckets[decoded.labels[row]].push(row)
  return buckets.flat()
}

function gather(decoded: Decoded, rows: number[]): ImageSplit {
  const pixels = new Uint8Array(rows.length * IMAGE_SIZE)
  const labels = new Int32Array(rows.length)
  rows.forEach((row, r) => {
    pixels.set(decoded.pixels.subarray(row * IMAGE_SIZE, (row + 1) * IMAGE_SIZE), r * IMAGE_SIZE)
    labels[r] = decoded.labels[row]
  })
  return { pixels, labels, count: rows.length }
}

/**
 * Decode a plan into a dataset. Every bad file is skipped with its reason and the rest imported;
 * each split is ordered class by class, in natural file order inside a class (MNIST order for
 * make-samples' folders), and the seeded split is drawn over the images that decoded.
 */
export async function importPlan(plan: ImportPlan, options: ImportOptions = {}, started = performance.now()): Promise<ImportResult> {
  const place = await correctionsPlace(plan, options.corrections)
  const kept = place ? await readCorrections(place) : []
  const decoded = await decodeAll(plan, options)
  const { current, changed } = await sameImages(plan, kept)
  const applied = applyCorrections(current, decoded.sources, decoded.ok, decoded.labels, plan.labelNames)
  applied.unmatched.push(...changed)
  const corrections: CorrectionsView | null = place ? { path: place.path, elsewhere: place.elsewhere, entries: kept, ...applied } : null
  const notes = [...plan.notes]
  const { labelNames, remap } = survivingClasses(plan, decoded, notes)
  const rows: number[] = []
  const drawn: number[] = []
  for (let i = 0; i < decoded.ok.length; i++) {
    if (!decoded.ok[i]) continue
    decoded.labels[i] = remap[decoded.labels[i]]
    rows.push(i)
    if (decoded.splits[i] === DRAWN) drawn.push(i)
  }
  const valid = seededSplit(drawn.map((i) => decoded.sources[i]), drawn.map((i) => decoded.labels[i]), plan.validPercent, plan.seed)
  drawn.forEach((row, k) => (decoded.splits[row] = valid[k] ? SPLIT_CODE.valid : SPLIT_CODE.train))
  const trainRows = classMajor(decoded, rows, SPLIT_CODE.train, labelNames.length)
  const validRows = classMajor(decoded, rows, SPLIT_CODE.valid, labelNames.length)
  const count = (list: number[]): number[] => {
    const counts = labelNames.map(() => 0)
    for (const row of list) counts[decoded.labels[row]]++
    return counts
  }
  const dataset: DigitDataset = {
    name: plan.root.split(/[\\/]/).filter(Boolean).pop() ?? plan.source,
    labelNames,
    height: IMAGE_SIDE,
    width: IMAGE_SIDE,
    train: gather(decoded, trainRows),
    valid: gather(decoded, validRows),
  }
  return {
    dataset,
    plan,
    counts: { train: count(trainRows), valid: count(validRows) },
    sources: { train: trainRows.map((i) => decoded.sources[i]), valid: validRows.map((i) => decoded.sources[i]) },
    inverted: decoded.inverted,
    skipped: [...plan.skipped, ...decoded.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))],
    notes,
    seconds: (performance.now() - started) / 1000,
    corrections,
  }
}

/** Plan and import a source: a built-in name, a folder, a CSV file or a folder of IDX files. */
export async function importDataset(source: string, options: ImportOptions = {}): Promise<ImportResult> {
  const started = performance.now()
  return importPlan(await planImport(source, options), options, started)
}
