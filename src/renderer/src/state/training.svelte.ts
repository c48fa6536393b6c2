import type { ProjectHistoryView } from '../../../shared/projects'
import type { EpochRecord, RunStatus, TrainingConfig, TrainingEvent } from '../../../shared/training'
import { LossSeries } from './loss-series.svelte'
import { errorText } from '../lib/error-text'
import { dataset } from './dataset.svelte'

/** The dataset a run trained on, as the Data view named it. */
export interface RunDataset {
  readonly source: string
  readonly title: string
}

const openDataset = (): RunDataset | null => (dataset.view ? { source: dataset.view.source, title: dataset.title } : null)

export type Progress = Extract<TrainingEvent, { kind: 'progress' }>
export type Outcome = Extract<TrainingEvent, { kind: 'finished' }>

/** Where a run is: asked for, training, asked to stop, or over. */
export type RunPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'finished'

/** An epoch's row, with the batch it ended on (where the chart places its validation points). */
export interface EpochRow {
  readonly record: EpochRecord
  readonly atBatch: number
}

/** The outcome's wording for people. */
export const STATUS_TITLES: Readonly<Record<RunStatus, string>> = {
  completed: 'Training completed',
  stopped: 'Training stopped',
  diverged: 'Training diverged',
  crashed: 'Training crashed',
}

/**
 * The training run: the one in progress or the last one, as its events describe it. It lives
 * outside the views, so training goes on (and is shown in the status bar) whichever view is open.
 */
class TrainingState {
  phase = $state<RunPhase>('idle')
  runId = $state<number | null>(null)
  config = $state.raw<TrainingConfig | null>(null)
  progress = $state.raw<Progress | null>(null)
  epochs = $state.raw<readonly EpochRow[]>([])
  outcome = $state.raw<Outcome | null>(null)
  error = $state<string | null>(null)
  losses = $state.raw(new LossSeries())
  /** Where the curves shown came from when no run of this page drew them (a project opened, or held by main), or null. */
  restored = $state<string | null>(null)
  /** The dataset the run shown trained on, when this page started it (null: not known here). */
  dataset = $state.raw<RunDataset | null>(null)

  /** Training images per second each model kind last ran at on this page (its last progress event), to foresee a run's length. */
  speeds = $state.raw<Partial<Record<string, number>>>({})

  /** The run shown trained on another dataset than the one open now: its results are labelled as the previous dataset's. */
  readonly fromOtherDataset = $derived(this.dataset !== null && dataset.view !== null && dataset.view.source !== this.dataset.source)

  readonly active = $derived(this.phase === 'starting' || this.phase === 'running' || this.phase === 'stopping')
  /** Share of the run done, 0..1. */
  readonly fraction = $derived.by(() => {
    if (this.phase === 'finished') return this.outcome?.status === 'completed' ? 1 : this.#progressFraction()
    return this.#progressFraction()
  })

  async start(config: TrainingConfig): Promise<void> {
    if (this.active) return
    this.#reset(config)
    this.dataset = openDataset()
    this.phase = 'starting'
    try {
      const { runId } = await window.api.startTraining(config)
      this.runId ??= runId
      if (this.phase === 'starting') this.phase = 'running'
    } catch (error) {
      this.phase = 'idle'
      this.error = errorText(error)
    }
  }

  /**
   * Train `epochs` more epochs of the project main holds (the last run, or one opened): the chart
   * and the epoch table go on from where they stand rather than start again.
   */
  async continueRun(epochs: number, config: TrainingConfig): Promise<void> {
    if (this.active) return
    const before = this.phase
    this.runId = null
    this.config = { ...config, epochs }
    this.dataset = openDataset()
    this.progress = null
    this.outcome = null
    this.error = null
    this.phase = 'starting'
    try {
      const { runId } = await window.api.continueTraining({ epochs })
      this.runId ??= runId
      if (this.phase === 'starting') this.phase = 'running'
    } catch (error) {
      this.phase = before
      this.error = errorText(error)
    }
  }

  /** Show a project's history (one opened, or held by main when the page loads) as the run's curves and table; `from` says whose. */
  showHistory(history: ProjectHistoryView, config: TrainingConfig, from: string): void {
    if (this.active) return
    this.#reset(config)
    this.restored = from
    this.losses.push(history.batchLosses)
    this.epochs = history.epochs.map((record, i) => ({ record, atBatch: history.epochEnds[i] ?? this.losses.count }))
    this.phase = 'idle'
  }

  async stop(): Promise<void> {
    if (!this.active) return
    this.phase = 'stopping'
    try {
      await window.api.stopTraining()
    } catch (error) {
      this.error = errorText(error)
    }
  }

  /** An event of run `runId`. A run this window did not start (another window's) is followed too. */
  receive(runId: number, event: TrainingEvent): void {
    if (this.runId !== runId) {
      if (this.runId !== null && runId < this.runId) return
      if (this.phase !== 'starting') this.#reset(null)
      this.runId = runId
      if (this.phase !== 'starting') this.phase = 'running'
    }
    if (event.kind === 'progress') {
      this.losses.push(event.losses)
      this.progress = event
      if (this.phase === 'starting') this.phase = 'running'
    } else if (event.kind === 'epoch') {
      this.epochs = [...this.epochs, { record: event.record, atBatch: this.losses.count }]
    } else if (event.kind === 'finished') {
      if (this.config && this.progress) this.speeds = { ...this.speeds, [this.config.model.kind]: this.progress.imagesPerSecond }
      this.outcome = event
      this.phase = 'finished'
    }
  }

  #progressFraction(): number {
    const p = this.progress
    if (!p) return 0
    const first = p.epochs - (this.config?.epochs ?? p.epochs)
    const total = p.epochs - first
    return total > 0 ? Math.min(1, (p.epoch - first + (p.batch + 1) / p.batches) / total) : 0
  }

  #reset(config: TrainingConfig | null): void {
    this.runId = null
    this.config = config
    this.progress = null
    this.epochs = []
    this.outcome = null
    this.error = null
    this.losses = new LossSeries()
    this.restored = null
    this.dataset = null
  }
}

export const training = new TrainingState()
