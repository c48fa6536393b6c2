import os from 'node:os'
import { cpuVectorExtension } from '../src/main/engine/kernels'
import type { Result } from './workload'

/** Our time over PyTorch's for one case: below 1 means we are faster. */
export interface Comparison {
  readonly workload: string
  readonly case: string
  readonly label?: string
  readonly comparison: 'ours/pytorch'
  /** PyTorch's thread count. */
  readonly threads: number
  /** The instruction set PyTorch was held to, if any. */
  readonly isa?: string
  readonly oursThreads: number
  readonly ratio: number
}

/**
 * Pairs each PyTorch result with ours for the same workload and case: ours on as many threads when we
 * measured that, else ours on the most threads we measured.
 */
export function compare(ours: readonly Result[], torch: readonly Result[]): Comparison[] {
  return torch.flatMap((theirs) => {
    const candidates = ours.filter((mine) => mine.workload === theirs.workload && mine.case === theirs.case)
    const mine = candidates.find((r) => r.threads === theirs.threads) ?? candidates.sort((x, y) => y.threads - x.threads)[0]
    if (!mine) return []
    return [{
      workload: theirs.workload, case: theirs.case, label: theirs.label,
      comparison: 'ours/pytorch' as const, threads: theirs.threads, isa: theirs.isa, oursThreads: mine.threads, ratio: mine.seconds / theirs.seconds,
    }]
  })
}

/**
 * Each case's best run over rounds (the least disturbed by other processes), with the median of the rounds
 * beside it and the largest peak RSS seen. A single round is kept as measured.
 */
export function bestOfRounds(results: readonly Result[]): Result[] {
  const groups = new Map<string, Result[]>()
  for (const r of results) {
    const key = [r.workload, r.case, r.engine, r.isa, r.threads].join('\u0000')
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  return [...groups.values()].map((runs) => {
    if (runs.length === 1) return runs[0]
    const sorted = [...runs].sort((x, y) => x.seconds - y.seconds)
    const peaks = runs.map((r) => r.peakRssMb).filter((mb): mb is number => mb !== undefined)
    return {
      ...sorted[0],
      medianSeconds: sorted[Math.floor(sorted.length / 2)].seconds,
      runs: runs.length,
      peakRssMb: peaks.length > 0 ? Math.max(...peaks) : undefined,
    }
  })
}

/** The machine, as a line above the tables. */
export function machine(): string {
  const cpus = os.cpus()
  return `${cpus[0]?.model ?? 'unknown CPU'} with ${cpuVectorExtension()}, ${cpus.length} cores, Node ${process.versions.node} (V8 ${process.versions.v8}), ${os.platform()} ${os.arch()}`
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
    ['workload', 'case', 'what', 'engine', 'threads', 'best ms', 'median ms', 'CPU ms', 'GFLOPS', 'images/s', 'accuracy', 'peak RSS MB'],
    results.map((r) => [
      r.workload, r.case, r.label ?? '', r.isa ? `${r.engine} (${r.isa})` : r.step ? `${r.engine}, ${r.step} step` : r.engine, String(r.threads), ms(r.seconds), ms(r.medianSeconds), ms(r.cpuSeconds),
      fixed(r.gflops, 1), fixed(r.imagesPerSecond, 0), fixed(r.accuracy, 4), r.peakRssMb === undefined ? '' : String(r.peakRssMb),
    ]),
  )
}

export function comparisonTable(comparisons: readonly Comparison[]): string {
  const keys = [...new Set(comparisons.map((c) => `${c.workload}\u0000${c.case}`))]
  // One column per PyTorch setting: its thread count, then the instruction set it was held to (best first).
  const column = (c: Comparison): string => `PyTorch ${c.threads} thread${c.threads === 1 ? '' : 's'}${c.isa ? `, ${c.isa}` : ''}`
  const columns = [...new Set([...comparisons].sort((x, y) => Number(x.isa !== undefined) - Number(y.isa !== undefined) || x.threads - y.threads).map(column))]
  return table(
    ['workload', 'case', 'what', ...columns],
    keys.map((key) => {
      const row = comparisons.filter((c) => `${c.workload}\u0000${c.case}` === key)
      const cell = (c: Comparison | undefined): string => (c ? `${fixed(c.ratio, 2)} (ours ${c.oursThreads})` : '')
      return [row[0].workload, row[0].case, row[0].label ?? '', ...columns.map((name) => cell(row.find((c) => column(c) === name)))]
    }),
  )
}
