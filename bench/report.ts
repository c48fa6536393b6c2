import os from 'node:os'
import type { Result } from './workload'

/** Our time over PyTorch's for one case: below 1 means we are faster. */
export interface Comparison {
  readonly workload: string
  readonly case: string
  readonly label?: string
  readonly comparison: 'ours/pytorch'
  readonly torchThreads: number
  readonly ratio: number
}

/** Pairs each of our results with PyTorch's for the same workload and case, per PyTorch thread count. */
export function compare(ours: readonly Result[], torch: readonly Result[]): Comparison[] {
  return ours.flatMap((mine) =>
    torch
      .filter((theirs) => theirs.workload === mine.workload && theirs.case === mine.case)
      .map((theirs) => ({
        workload: mine.workload, case: mine.case, label: mine.label,
        comparison: 'ours/pytorch' as const, torchThreads: theirs.threads, ratio: mine.seconds / theirs.seconds,
      })),
  )
}

/** The machine, as a line above the tables. */
export function machine(): string {
  const cpus = os.cpus()
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.versions.node} (V8 ${process.versions.v8}), ${os.platform()} ${os.arch()}`
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

const fixed = (value: number | undefined, digits: number): string => (value === undefined ? '' : value.toFixed(digits))
const ms = (seconds: number | undefined): string => (seconds === undefined ? '' : (seconds * 1000).toFixed(seconds < 0.01 ? 3 : 1))

export function resultsTable(results: readonly Result[]): string {
  return table(
    ['workload', 'case', 'what', 'engine', 'threads', 'best ms', 'median ms', 'GFLOPS', 'images/s', 'accuracy', 'peak RSS MB'],
    results.map((r) => [
      r.workload, r.case, r.label ?? '', r.engine, String(r.threads), ms(r.seconds), ms(r.medianSeconds),
      fixed(r.gflops, 1), fixed(r.imagesPerSecond, 0), fixed(r.accuracy, 4), r.peakRssMb === undefined ? '' : String(r.peakRssMb),
    ]),
  )
}

export function comparisonTable(comparisons: readonly Comparison[]): string {
  const keys = [...new Set(comparisons.map((c) => `${c.workload}\u0000${c.case}`))]
  const threads = [...new Set(comparisons.map((c) => c.torchThreads))].sort((x, y) => x - y)
  return table(
    ['workload', 'case', 'what', ...threads.map((t) => `ours/pytorch(${t} thread${t === 1 ? '' : 's'})`)],
    keys.map((key) => {
      const row = comparisons.filter((c) => `${c.workload}\u0000${c.case}` === key)
      return [row[0].workload, row[0].case, row[0].label ?? '', ...threads.map((t) => fixed(row.find((c) => c.torchThreads === t)?.ratio, 2))]
    }),
  )
}
