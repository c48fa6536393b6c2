import type { SkippedFile } from '../datasets'

/** One classified image, as `--json` prints it. */
export interface ImageResult {
  readonly file: string
  readonly predicted: string
  readonly scores: Record<string, number>
  /** The label its folder gives, or null for an unlabelled image. */
  readonly label: string | null
  /** Whether `predicted` is `label`; null when unlabelled or the model has no such label. */
  readonly correct: boolean | null
}

/** What `predict` found over all images, the last object `--json` prints. */
export interface PredictSummary {
  readonly model: string
  readonly images: number
  /** Images whose folder names one of the model's labels: what accuracy is computed on. */
  readonly labelled: number
  readonly correct: number
  readonly accuracy: number | null
  readonly skipped: number
  readonly skippedFiles: readonly SkippedFile[]
  readonly labels: readonly string[]
  /** confusion[true][predicted] counts, over the labelled images; null when none is labelled. */
  readonly confusion: number[][] | null
  readonly notes: readonly string[]
}

/** Accuracy and confusion matrix over the results whose label the model knows. */
export function summarize(model: string, labels: readonly string[], results: readonly ImageResult[], skipped: readonly SkippedFile[]): PredictSummary {
  const index = new Map(labels.map((label, i) => [label, i]))
  const confusion = labels.map(() => labels.map(() => 0))
  let labelled = 0
  let correct = 0
  const foreign = new Set<string>()
  for (const result of results) {
    if (result.label === null) continue
    const truth = index.get(result.label)
    if (truth === undefined) {
      foreign.add(result.label)
      continue
    }
    labelled++
    if (result.correct) correct++
    confusion[truth][index.get(result.predicted)!]++
  }
  const notes = foreign.size > 0
    ? [`images labelled ${[...foreign].map((l) => `"${l}"`).join(', ')} are not counted in the accuracy: the model's labels are ${labels.join(', ')}`]
    : []
  return {
    model,
    images: results.length,
    labelled,
    correct,
    accuracy: labelled === 0 ? null : correct / labelled,
    skipped: skipped.length,
    skippedFiles: skipped,
    labels,
    confusion: labelled === 0 ? null : confusion,
    notes,
  }
}

/** One line per image: file, prediction, scores, and what it should have been when it is wrong. */
export function formatResult(result: ImageResult): string {
  const scores = Object.entries(result.scores).map(([label, p]) => `${label} ${p.toFixed(3)}`).join('  ')
  const verdict = result.correct === false ? `   ✗ labelled ${result.label}` : ''
  return `${result.file}  →  ${result.predicted}   (${scores})${verdict}`
}

/** The confusion matrix as a table: rows are true labels, columns predictions. */
export function formatConfusion(labels: readonly string[], confusion: readonly (readonly number[])[]): string[] {
  const width = Math.max(5, ...labels.map((l) => l.length + 1), ...confusion.flat().map((n) => String(n).length + 1))
  const cell = (text: string): string => text.padStart(width)
  return [
    'confusion matrix (rows: label, columns: predicted)',
    `${cell('')}${labels.map(cell).join('')}`,
    ...labels.map((label, i) => `${cell(label)}${confusion[i].map((n) => cell(String(n))).join('')}`),
  ]
}

/** The closing lines: accuracy, the matrix, notes, and every skipped file with its reason. */
export function formatSummary(summary: PredictSummary): string[] {
  const lines: string[] = []
  if (summary.accuracy !== null) {
    lines.push(`accuracy ${summary.accuracy.toFixed(4)} (${summary.correct} of ${summary.labelled} labelled images)`)
    lines.push(...formatConfusion(summary.labels, summary.confusion!))
  } else lines.push(`${summary.images} image${summary.images === 1 ? '' : 's'} classified (none labelled by a folder, so no accuracy)`)
  lines.push(...summary.notes)
  if (summary.skipped > 0) {
    lines.push(`skipped ${summary.skipped} file${summary.skipped === 1 ? '' : 's'}:`)
    lines.push(...summary.skippedFiles.map((s) => `  ${s.file}: ${s.reason}`))
  }
  return lines
}
