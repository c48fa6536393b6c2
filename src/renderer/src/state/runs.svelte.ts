import { SvelteSet } from 'svelte/reactivity'
import { runDifferences, type RunRecord } from '../../../shared/runs'
import { dataset } from './dataset.svelte'
import { LossSeries } from './loss-series.svelte'

/** One colour per ticked run, in the order they were ticked (distinct from the live curve's accent). */
export const RUN_COLOURS = ['#e15759', '#59a14f', '#b07aa1', '#f28e2b', '#76b7b2', '#9c755f', '#edc948', '#ff9da7'] as const

/** A ticked run as the loss chart overlays it: its smoothed curve, colour, and what sets it apart. */
export interface RunOverlay {
  readonly id: string
  readonly label: string
  readonly colour: string
  readonly smooth: readonly number[]
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** The runs main keeps to compare, those on the open dataset, and which the chart overlays. */
class Runs {
  all = $state.raw<readonly RunRecord[]>([])
  error = $state<string | null>(null)
  readonly #ticked = new SvelteSet<string>()

  /** Runs on the open dataset's source, oldest first. */
  readonly here = $derived(this.all.filter((run) => run.dataset.source === dataset.view?.source))
  /** The ticked runs of `here`, each with its colour and the settings in which they differ. */
  readonly overlays = $derived.by((): RunOverlay[] => {
    const ticked = this.here.filter((run) => this.#ticked.has(run.id))
    const differences = runDifferences(ticked)
    return ticked.map((run, i) => {
      const series = new LossSeries()
      series.push(run.batchLosses)
      return { id: run.id, label: `${run.name}: ${differences[i]}`, colour: this.colourOf(run.id), smooth: series.smooth }
    })
  })

  isTicked(id: string): boolean {
    return this.#ticked.has(id)
  }

  toggle(id: string): void {
    if (this.#ticked.has(id)) this.#ticked.delete(id)
    else this.#ticked.add(id)
  }

  /** A run's colour: by its place among the runs of its data, so it keeps it when others are ticked. */
  colourOf(id: string): string {
    const index = this.here.findIndex((run) => run.id === id)
    return RUN_COLOURS[Math.max(0, index) % RUN_COLOURS.length]
  }

  async load(): Promise<void> {
    try {
      this.all = await window.api.runs()
    } catch (error) {
      this.error = message(error)
    }
  }

  receive(runs: readonly RunRecord[]): void {
    this.all = runs
  }
}

export const runs = new Runs()
