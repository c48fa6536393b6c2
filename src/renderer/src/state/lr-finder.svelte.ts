import type { DatasetView } from '../../../shared/datasets'
import type { LrFindResult } from '../../../shared/interpretation'
import type { TrainingConfig, TrainingEvent } from '../../../shared/training'
import { dataset } from './dataset.svelte'
import { trainForm } from './train-form.svelte'
import { errorText } from '../lib/error-text'

export type LrStep = Extract<TrainingEvent, { kind: 'lr-find-step' }>

/** A finished sweep, with what it ran on. */
export interface LrSweep {
  readonly view: DatasetView | null
  readonly config: TrainingConfig
  readonly result: LrFindResult
}


/**
 * The learning-rate finder (fastai's `lr_find`): a sweep in the training worker, its steps as they
 * come, and the curve and suggestion it ends with. A sweep belongs to the dataset and the model kind
 * it ran on: picking another model or dataset shows none until the finder runs again.
 */
class LrFinder {
  phase = $state<'idle' | 'running' | 'stopping'>('idle')
  /** The steps heard so far in this sweep (throttled by the worker), for the curve as it grows. */
  steps = $state.raw<readonly LrStep[]>([])
  error = $state<string | null>(null)
  #sweep = $state.raw<LrSweep | null>(null)
  /** The run id the service gave the sweep, learnt from its first event. */
  #runId: number | null = null

  readonly active = $derived(this.phase !== 'idle')
  readonly last = $derived(this.steps.at(-1) ?? null)
  readonly sweep = $derived(this.#sweep && this.#sweep.view === dataset.view && this.#sweep.config.model.kind === trainForm.kind ? this.#sweep : null)

  async run(config: TrainingConfig): Promise<void> {
    if (this.active) return
    const view = dataset.view
    this.phase = 'running'
    this.steps = []
    this.error = null
    this.#runId = null
    try {
      const result = await window.api.lrFind(config)
      if (!Number.isFinite(result.suggestion?.lr)) throw new Error('the learning-rate finder ended without a suggestion; run it again')
      this.#sweep = { view, config, result }
    } catch (error) {
      this.error = errorText(error)
    } finally {
      this.phase = 'idle'
    }
  }

  /** Stop the sweep: the worker ends it after the step in progress, and suggests from what it saw. */
  async stop(): Promise<void> {
    if (this.phase !== 'running') return
    this.phase = 'stopping'
    try {
      await window.api.stopTraining()
    } catch (error) {
      this.error = errorText(error)
    }
  }

  /**
   * Whether an event of run `runId` is a sweep's (its steps, its end) rather than a training's. A
   * sweep refused or failed before its first step reports only `finished`, which is the sweep's
   * when one was asked for and no training knows that run.
   */
  claims(runId: number, event: TrainingEvent, trainingRunId: number | null): boolean {
    if (event.kind === 'lr-find-step') this.#runId = runId
    if (runId === this.#runId) return true
    return this.active && this.#runId === null && event.kind === 'finished' && runId !== trainingRunId
  }

  receive(event: TrainingEvent): void {
    if (event.kind !== 'lr-find-step') return
    // A step numbered below the last one starts another sweep (one this window did not ask for).
    this.steps = event.iteration < (this.last?.iteration ?? -1) ? [event] : [...this.steps, event]
  }
}

export const lrFinder = new LrFinder()
