import { significant } from './format'
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset } from 'chart.js'
import type { CanvasColours } from '../state/theme.svelte'
import type { LossSeries } from '../state/loss-series.svelte'
import type { RunOverlay } from '../state/runs.svelte'
import type { EpochRow } from '../state/training.svelte'

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip)

/** Batch points plotted at most; beyond, every second (fourth, …) batch is plotted, so a redraw stays cheap. */
const MAX_POINTS = 4000

type Point = { x: number; y: number }

/** What the chart shows: the run's losses, its epochs, whether raw losses show, the batches planned. */
export interface ChartInput {
  readonly series: LossSeries
  readonly epochs: readonly EpochRow[]
  readonly showRaw: boolean
  readonly plannedBatches: number | null
  readonly metricName: string | null
  /** Kept runs drawn over the live one (their smoothed training loss), each in its colour. */
  readonly overlays: readonly RunOverlay[]
}

/** The live run's own lines; overlays follow them. */
const OWN_LINES = 4

const withAlpha = (hex: string, alpha: number): string => hex + Math.round(alpha * 255).toString(16).padStart(2, '0')

/**
 * The Train view's chart.js chart, fed incrementally: new batch losses are appended (never the
 * whole series again), and redraws are capped to one per animation frame without animation.
 */
export class LossChart {
  readonly #chart: Chart<'line', Point[]>
  readonly #canvas: HTMLCanvasElement
  #series: LossSeries | null = null
  #appended = 0
  #stride = 1
  #pending: ChartInput | null = null
  #frame = 0
  #overlays: readonly RunOverlay[] = []

  constructor(canvas: HTMLCanvasElement, colours: CanvasColours) {
    this.#canvas = canvas
    const line = (label: string, colour: string, extra: Partial<ChartDataset<'line', Point[]>> = {}): ChartDataset<'line', Point[]> => ({
      label, data: [], borderColor: colour, backgroundColor: colour, borderWidth: 1.5, pointRadius: 0, tension: 0, ...extra,
    })
    this.#chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          line('train loss (raw)', withAlpha(colours.accent, 0.3), { borderWidth: 1 }),
          line('train loss (smoothed)', colours.accent, { borderWidth: 2 }),
          line('valid loss', colours.warn, { pointRadius: 3.5, borderWidth: 2, clip: false }),
          line('accuracy', colours.good, { pointRadius: 3.5, borderWidth: 2, borderDash: [5, 4], yAxisID: 'accuracy', clip: false }),
        ],
      },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        color: colours.muted,
        font: { family: getComputedStyle(canvas).fontFamily, size: 11 },
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'batch', color: colours.muted }, grid: { color: colours.grid }, ticks: { color: colours.muted } },
          y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'loss', color: colours.muted }, grid: { color: colours.grid }, ticks: { color: colours.muted } },
          accuracy: { type: 'linear', position: 'right', min: 0, max: 1, title: { display: true, text: 'accuracy', color: colours.muted }, grid: { display: false }, ticks: { color: colours.muted } },
        },
        plugins: {
          legend: { position: 'top', align: 'end', labels: { boxWidth: 12, boxHeight: 2, color: colours.text, filter: (item, data) => !data.datasets[item.datasetIndex ?? 0].hidden } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${significant(item.parsed.y ?? Number.NaN)}` } },
        },
      },
    })
  }

  /** Show this input at the next animation frame (several calls before it cost one redraw). */
  schedule(input: ChartInput): void {
    this.#pending = input
    this.#frame ||= requestAnimationFrame(() => this.#flush())
  }

  destroy(): void {
    cancelAnimationFrame(this.#frame)
    this.#chart.destroy()
  }

  #flush(): void {
    this.#frame = 0
    const input = this.#pending
    if (!input) return
    const [raw, smooth, valid, accuracy] = this.#chart.data.datasets
    const n = input.series.raw.length
    if (input.series !== this.#series || n / this.#stride > MAX_POINTS) {
      this.#series = input.series
      this.#stride = 1
      while (n / this.#stride > MAX_POINTS) this.#stride *= 2
      raw.data = []
      smooth.data = []
      this.#appended = 0
    }
    for (let i = this.#appended; i < n; i++) {
      if ((i + 1) % this.#stride !== 0) continue
      raw.data.push({ x: i + 1, y: input.series.raw[i] })
      smooth.data.push({ x: i + 1, y: input.series.smooth[i] })
    }
    this.#appended = n
    valid.data = input.epochs.map((row) => ({ x: row.atBatch, y: row.record.validLoss }))
    accuracy.data = input.metricName ? input.epochs.map((row) => ({ x: row.atBatch, y: row.record.metrics[input.metricName!] ?? Number.NaN })) : []
    accuracy.label = input.metricName ?? 'accuracy'
    raw.hidden = !input.showRaw
    if (input.overlays !== this.#overlays) this.#overlay(input.overlays)
    const x = this.#chart.options.scales?.x
    if (x) x.max = Math.max(input.plannedBatches ?? 0, n, 1, ...input.overlays.map((run) => run.smooth.length))
    this.#chart.update('none')
    this.#canvas.dataset.points = String(n)
    this.#canvas.dataset.epochEnds = input.epochs.map((row) => row.atBatch).join(' ')
  }

  /** Replace the overlaid runs: one line each, at most MAX_POINTS points (every k-th batch beyond). */
  #overlay(overlays: readonly RunOverlay[]): void {
    this.#overlays = overlays
    const datasets = this.#chart.data.datasets
    datasets.splice(OWN_LINES)
    for (const run of overlays) {
      let stride = 1
      while (run.smooth.length / stride > MAX_POINTS) stride *= 2
      const data: Point[] = []
      for (let i = stride - 1; i < run.smooth.length; i += stride) data.push({ x: i + 1, y: run.smooth[i] })
      // NOTE: drawn over the live run's lines (chart.js draws lower `order` on top): a run ticked is the run looked at.
      datasets.push({ label: run.label, data, borderColor: run.colour, backgroundColor: run.colour, borderWidth: 2, pointRadius: 0, tension: 0, order: -1 })
    }
    this.#canvas.dataset.overlays = overlays.map((run) => `${run.id}:${run.smooth.length}`).join(' ')
  }
}
