import { Interpretation } from '../engine/learner/interpretation'
import type { Learner } from '../engine/learner/learner'
import type { LrFindResult } from '../engine/learner/lr-find'

const formatLr = (lr: number): string => lr.toExponential(1).replace('e+', 'e')

/**
 * The learning-rate finder's curve as text: smoothed loss up, log(lr) across, one `•` per column
 * (the mean of the steps falling in it), and `^` under the suggested learning rate.
 */
export function plotLrCurve(result: LrFindResult, width = 60, height = 12): string[] {
  const { lrs, losses } = result
  if (lrs.length === 0) return ['(no steps recorded)']
  const [logLo, logHi] = [Math.log10(lrs[0]), Math.log10(lrs.at(-1)!)]
  const column = (lr: number): number => (logHi === logLo ? 0 : Math.min(width - 1, Math.round(((Math.log10(lr) - logLo) / (logHi - logLo)) * (width - 1))))
  const sums = new Array<number>(width).fill(0)
  const counts = new Array<number>(width).fill(0)
  lrs.forEach((lr, i) => {
    sums[column(lr)] += losses[i]
    counts[column(lr)]++
  })
  const [lo, hi] = [Math.min(...losses), Math.max(...losses)]
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '))
  sums.forEach((total, c) => {
    if (counts[c] === 0) return
    const row = hi === lo ? height - 1 : Math.round(((hi - total / counts[c]) / (hi - lo)) * (height - 1))
    grid[row][c] = '•'
  })
  const label = (value: number): string => value.toPrecision(3).padStart(9)
  const lines = grid.map((cells, row) => `${row === 0 ? label(hi) : row === height - 1 ? label(lo) : ' '.repeat(9)} │${cells.join('')}`)
  const marker = new Array<string>(width).fill(' ')
  marker[column(result.suggestion.lr)] = '^'
  lines.push(`${' '.repeat(9)} └${'─'.repeat(width)}`)
  lines.push(`${' '.repeat(11)}${marker.join('')}`)
  const [first, last] = [formatLr(lrs[0]), formatLr(lrs.at(-1)!)]
  lines.push(`${' '.repeat(11)}${first}${'learning rate (log scale)'.padStart(Math.floor(width / 2) + 12 - first.length)}${last.padStart(width - Math.floor(width / 2) - 12)}`)
  return lines
}

/** The finder's result as a person reads it: the curve, why it stopped, and the suggestions. */
export function formatLrFind(result: LrFindResult): string[] {
  const stopped = {
    completed: 'after all steps',
    diverged: 'when the loss passed 4× its minimum',
    'non-finite': 'when the loss stopped being a finite number',
    stopped: 'when asked to stop',
  }[result.stopReason]
  const { valley, minimum, steep } = result.suggestions
  return [
    `learning-rate finder: ${result.lrs.length} steps from ${formatLr(result.lrs[0] ?? 0)} to ${formatLr(result.lrs.at(-1) ?? 0)}, stopped ${stopped}`,
    ...plotLrCurve(result),
    `suggested lr ${formatLr(result.suggestion.lr)} by ${result.suggestion.description}`,
    `other rules: minimum ÷ 10 ${formatLr(minimum)}, steepest slope ${formatLr(steep)}, valley ${formatLr(valley)}`,
  ]
}

/** The confusion matrix (rows actual, columns predicted), the most-confused pairs and the top losses. */
export function formatInterpretation(interp: Interpretation, topLosses = 5): string[] {
  const names = interp.labelNames
  const matrix = interp.confusionMatrix()
  const cell = Math.max(5, ...matrix.flat().map((count) => String(count).length + 1), ...names.map((name) => name.length + 1))
  const nameWidth = Math.max(6, ...names.map((name) => name.length))
  const header = `${'actual'.padEnd(nameWidth)} │${names.map((name) => name.padStart(cell)).join('')}   ← predicted`
  const rows = matrix.map((row, a) => `${names[a].padEnd(nameWidth)} │${row.map((count) => String(count).padStart(cell)).join('')}`)
  const confused = interp.mostConfused().slice(0, 10)
  const losses = interp.topLosses(topLosses)
  return [
    'confusion matrix:',
    header,
    `${'─'.repeat(nameWidth)}─┼${'─'.repeat(cell * names.length)}`,
    ...rows,
    confused.length === 0 ? 'most confused: none — every item is classified right' : 'most confused (actual → predicted: count):',
    ...confused.map((pair) => `  ${pair.actual} → ${pair.predicted}: ${pair.count}`),
    'top losses (item: actual → predicted, loss, probability):',
    ...losses.map((top) => `  #${top.index}: ${top.actual} → ${top.predicted}, loss ${top.loss.toFixed(4)}, p ${top.probability.toFixed(4)}`),
  ]
}

/** `--lr-find`: sweep, then print the curve and suggestion (or one JSON line). The learner is left as it was. */
export async function reportLrFind(learner: Learner, json: boolean, print: (line: string) => void, signal?: AbortSignal): Promise<LrFindResult> {
  const result = await learner.lrFind({ signal })
  if (json) {
    const { lrs, losses, suggestion, suggestions, stopReason } = result
    print(JSON.stringify({ lrFind: { suggestion, suggestions, stopReason, lrs, losses } }))
  } else formatLrFind(result).forEach((line) => print(line))
  return result
}

/** `--interpret`: where the trained model is wrong on the validation set (or one JSON line). */
export function reportInterpretation(learner: Learner, labelNames: readonly string[], json: boolean, print: (line: string) => void): Interpretation {
  const interp = Interpretation.fromLearner(learner, { labelNames })
  if (json) {
    print(JSON.stringify({ interpretation: { labelNames, confusionMatrix: interp.confusionMatrix(), mostConfused: interp.mostConfused(), topLosses: interp.topLosses(9) } }))
  } else formatInterpretation(interp).forEach((line) => print(line))
  return interp
}
