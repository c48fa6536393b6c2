import type { EpochRecord } from '../engine/learner/recorder'

/** `mm:ss`, as fastai prints epoch times. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`
}

/** The fastai-style table: a header, then one row per epoch. */
export class EpochTable {
  private readonly columns: string[]
  private readonly widths: number[]

  constructor(metricNames: readonly string[]) {
    this.columns = ['epoch', 'train_loss', 'valid_loss', ...metricNames, 'time']
    this.widths = this.columns.map((name) => Math.max(12, name.length + 2))
  }

  header(): string {
    return this.format(this.columns)
  }

  row(record: EpochRecord): string {
    const cells = [
      String(record.epoch),
      record.trainLoss.toFixed(6),
      record.validLoss.toFixed(6),
      ...Object.values(record.metrics).map((value) => value.toFixed(6)),
      formatDuration(record.seconds),
    ]
    return this.format(cells)
  }

  private format(cells: readonly string[]): string {
    return cells.map((cell, i) => cell.padEnd(this.widths[i])).join('').trimEnd()
  }
}

/** A one-line progress bar redrawn in place on a terminal (stderr), silent elsewhere. */
export class ProgressBar {
  private lastDraw = 0

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true
  }

  /** Redraw at most every 100 ms (always when `force`). */
  draw(done: number, total: number, label: string, force = false): void {
    const now = performance.now()
    if (!this.enabled || (!force && now - this.lastDraw < 100)) return
    this.lastDraw = now
    const width = 30
    const filled = total === 0 ? width : Math.round((done / total) * width)
    this.stream.write(`\r\x1b[2K[${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${label}`)
  }

  clear(): void {
    if (this.enabled) this.stream.write('\r\x1b[2K')
  }
}
