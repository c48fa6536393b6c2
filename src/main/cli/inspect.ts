import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { writeContactSheet } from '../datasets/contact-sheet'
import { importDataset } from '../datasets/import'
import { summarizeDataset } from '../datasets/summary'
import { type ImportOptions, type ImportResult, type Polarity, type ResizeMode } from '../datasets/types'
import { ProgressBar } from './terminal'
import { UsageError, choiceOption, numberOption, userPath } from './usage'

export const INSPECT_USAGE = `usage: npm run inspect -- <folder|file.csv|idx-folder|mnist-sample|mnist> [--json]
                        [--sheet file.png | --no-sheet] [--valid-percent P] [--seed S]
                        [--polarity auto|light-ink|dark-ink] [--resize letterbox|stretch|crop]
Prints the layout found, the classes, the images per split and class, every skipped file with its
reason, and writes a contact sheet PNG (each class's mean image and samples; default
./<name>-contact-sheet.png). With --json, prints one JSON object instead.`

interface InspectRequest {
  readonly source: string
  readonly json: boolean
  readonly sheet: string | null
  readonly options: ImportOptions
}

/** Parse `inspect`'s arguments; throws a UsageError naming the first bad one. */
export function parseInspectArgs(argv: readonly string[]): InspectRequest {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        sheet: { type: 'string' },
        'no-sheet': { type: 'boolean', default: false },
        'valid-percent': { type: 'string' },
        seed: { type: 'string' },
        polarity: { type: 'string' },
        resize: { type: 'string' },
      },
    })
  } catch (error) {
    throw new UsageError((error as Error).message, INSPECT_USAGE)
  }
  const { values, positionals } = parsed
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the dataset to inspect' : `one dataset at a time, got ${positionals.length}`, INSPECT_USAGE)
  const source = userPath(positionals[0])
  const validPercent = numberOption('valid-percent', values['valid-percent'], INSPECT_USAGE, (n) => n > 0 && n < 100)
  const seed = numberOption('seed', values.seed, INSPECT_USAGE, Number.isInteger)
  const polarity = choiceOption<Polarity>('polarity', values.polarity, ['auto', 'light-ink', 'dark-ink'], INSPECT_USAGE)
  const resize = choiceOption<ResizeMode>('resize', values.resize, ['letterbox', 'stretch', 'crop'], INSPECT_USAGE)
  const name = basename(source) || 'dataset'
  const sheet = values['no-sheet'] ? null : userPath(values.sheet ?? `${name}-contact-sheet.png`)
  return { source, json: values.json, sheet, options: { validPercent, seed, polarity, resize } }
}

/** The report as one JSON-ready object: counts per split keyed by class label. */
export function inspectReport(result: ImportResult, sheet: string | null): Record<string, unknown> {
  const { dataset, plan } = result
  const byLabel = (counts: readonly number[]): Record<string, number> => Object.fromEntries(dataset.labelNames.map((label, c) => [label, counts[c]]))
  return {
    source: plan.source,
    layout: plan.layout,
    root: plan.root,
    classes: dataset.labelNames,
    validation: plan.validation,
    counts: { train: byLabel(result.counts.train), valid: byLabel(result.counts.valid) },
    images: dataset.train.count + dataset.valid.count,
    inverted: result.inverted,
    skipped: result.skipped.map(({ file, reason }) => ({ file, reason })),
    notes: result.notes,
    contactSheet: sheet,
    seconds: Number(result.seconds.toFixed(3)),
  }
}

const LAYOUT_WORDS = {
  builtin: 'built-in dataset',
  'split-folders': 'split folders (train/<label>, valid/<label>)',
  'class-folders': 'class folders (<label>/…)',
  csv: 'pixel CSV',
  idx: 'MNIST IDX files',
} as const

const SHOWN_SKIPS = 50

function printText(result: ImportResult, sheet: string | null): void {
  const { dataset, plan } = result
  const out: string[] = []
  const width = Math.max(5, ...dataset.labelNames.map((l) => l.length)) + 2
  const row = (label: string, a: string | number, b: string | number): string => `  ${label.padEnd(width)}${String(a).padStart(8)}${String(b).padStart(8)}`
  out.push(`dataset   ${plan.root}`, `layout    ${LAYOUT_WORDS[plan.layout]}`, `classes   ${dataset.labelNames.length}: ${dataset.labelNames.join(', ')}`)
  out.push(row('', 'train', 'valid'))
  dataset.labelNames.forEach((label, c) => out.push(row(label, result.counts.train[c], result.counts.valid[c])))
  out.push(row('total', dataset.train.count, dataset.valid.count))
  out.push(`images    ${dataset.train.count + dataset.valid.count} imported, ${result.skipped.length} skipped, ${result.inverted} inverted (dark ink on a light background)`)
  for (const note of result.notes) out.push(`note      ${note}`)
  if (result.skipped.length > 0) out.push(`skipped:`)
  for (const skip of result.skipped.slice(0, SHOWN_SKIPS)) out.push(`  ${skip.file}: ${skip.reason}`)
  if (result.skipped.length > SHOWN_SKIPS) out.push(`  … and ${result.skipped.length - SHOWN_SKIPS} more (--json lists them all)`)
  if (sheet) out.push(`contact sheet ${sheet}`)
  out.push(`seconds   ${result.seconds.toFixed(2)}`)
  process.stdout.write(`${out.join('\n')}\n`)
}

/** `inspect <path>`: import a dataset, report on it and write its contact sheet. */
export async function runInspect(argv: readonly string[]): Promise<void> {
  const request = parseInspectArgs(argv)
  const bar = new ProgressBar()
  const result = await importDataset(request.source, {
    ...request.options,
    onProgress: (p) => bar.draw(p.done, p.total, p.phase === 'scan' ? `scanning… ${p.done} files` : `decoding ${p.done}/${p.total}`, p.done === p.total),
  })
  bar.clear()
  if (request.sheet) await writeContactSheet(request.sheet, summarizeDataset(result.dataset))
  if (request.json) process.stdout.write(`${JSON.stringify(inspectReport(result, request.sheet))}\n`)
  else printText(result, request.sheet)
}
