import { rate, significant } from './format'
import { Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip, type ChartDataset } from 'chart.js'
import type { CanvasColours } from '../state/theme.svelte'

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip)

type Point = { x: number; y: number }

/** A learning rate marked on the curve. */
export interface LrMark {
  readonly lr: number
  readonly loss: number
  readonly label: string
}

/** What the finder's chart shows: loss against learning rate, and the rates suggested. */
export interface LrChartInput {
  readonly curve: readonly { readonly lr: number; readonly loss: number }[]
  /** The chosen rule's suggestion, marked large. */
  readonly suggestion: LrMark | null
  /** The other rules' suggestions, marked small. */
  readonly others: readonly LrMark[]
}

/** The finder's sweep (lrFind's defaults): the x axis spans it from the first step, so the curve grows without the axis jumping. */
const SWEEP = { from: 1e-7, to: 10 }

/** A learning rate short on an axis: 1e-7, 0.001, 0.1, 10 (only powers of ten get a label). */
export function powerOfTen(value: number): string {
  const exponent = Math.log10(value)
  if (Math.abs(exponent - Math.round(exponent)) > 1e-6) return ''
  return exponent >= -3 ? String(Number(value.toPrecision(1))) : `1e${Math.round(exponent)}`
}

/** The loss at the curve's learning rate nearest `lr` (in log space): where a suggestion sits on it. */
export function lossNear(curve: LrChartInput['curve'], lr: number): number {
  let best = curve[0]
  for (const point of curve) if (Math.abs(Math.log(point.lr / lr)) < Math.abs(Math.log(best.lr / lr))) best = point
  return best?.loss ?? Number.NaN
}

/** The learning-rate finder's chart.js chart: the loss on a log axis of learning rates, as fastai plots it. */
export class LrChart {
  readonly #chart: Chart<'line', Point[]>

  constructor(canvas: HTMLCanvasElement, colours: CanvasColours) {
    const marks = (label: string, colour: string, radius: number): ChartDataset<'line', Point[]> => ({
      label, data: [], showLine: false, borderColor: colour, backgroundColor: colour, pointRadius: radius, pointHoverRadius: radius + 1, clip: false,
    })
    this.#chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          { label: 'loss', data: [], borderColor: colours.accent, backgroundColor: colours.accent, borderWidth: 2, pointRadius: 0, tension: 0 },
          marks('suggestion', colours.warn, 5),
          marks('other rules', colours.muted, 3),
        ],
      },
      options: {
        animation: false,
        parsing: false,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: false },
        color: colours.muted,
        font: { family: getComputedStyle(canvas).fontFamily, size: 11 },
        scales: {
          x: {
            type: 'logarithmic',
            min: SWEEP.from,
            max: SWEEP.to,
            title: { display: true, text: 'learning rate (log scale)', color: colours.muted },
            // A line per power of ten only: the minor ones would hatch the plot.
            grid: { color: (context) => (powerOfTen(context.tick?.value ?? 0) ? colours.grid : 'transparent') },
            ticks: { color: colours.muted, autoSkip: false, maxRotation: 0, callback: (value) => powerOfTen(Number(value)) },
          },
          y: { type: 'linear', title: { display: true, text: 'loss', color: colours.muted }, grid: { color: colours.grid }, ticks: { color: colours.muted } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => `lr ${rate(items[0]?.parsed.x ?? Number.NaN)}`,
              label: (item) => `${(item.raw as Point & { label?: string }).label ?? item.dataset.label}: loss ${significant(item.parsed.y ?? Number.NaN)}`,
            },
          },
        },
      },
    })
  }

  show(input: LrChartInput): void {
    const [curve, suggestion, others] = this.#chart.data.datasets
    curve.data = input.curve.map((point) => ({ x: point.lr, y: point.loss }))
    const mark = (m: LrMark) => ({ x: m.lr, y: m.loss, label: m.label })
    suggestion.data = input.suggestion ? [mark(input.suggestion)] : []
    others.data = input.others.map(mark)
    const x = this.#chart.options.scales?.x
    if (x) {
      x.min = Math.min(SWEEP.from, input.curve[0]?.lr ?? SWEEP.from)
      x.max = Math.max(SWEEP.to, input.curve.at(-1)?.lr ?? SWEEP.to)
    }
    this.#chart.update('none')
  }

  destroy(): void {
    this.#chart.destroy()
  }
}
