import type { HandwritingStarted } from '../../../shared/handwriting'
import type { TrainingEvent } from '../../../shared/training'
import { errorText } from '../lib/error-text'

type Finished = Extract<TrainingEvent, { kind: 'finished' }>

/** One row of the before/after table: accuracy before and after (null: not measured), as shares of 1. */
export interface BeforeAfter {
  readonly what: string
  readonly images: number
  readonly before: number | null
  readonly after: number | null
}

/**
 * "Fine-tune on my handwriting": the run (its events, which it claims from the other runs), its progress, and what
 * it measured before and after — on the drawings and on MNIST's test digits; and the way back to the previous model.
 */
class HandwritingTuning {
  phase = $state<'idle' | 'starting' | 'running' | 'finished'>('idle')
  started = $state.raw<HandwritingStarted | null>(null)
  progress = $state(0)
  outcome = $state.raw<Finished | null>(null)
  error = $state<string | null>(null)
  /** The fine-tuned model is in use and the previous one can come back. */
  undoable = $state(false)
  #runId: number | null = null

  readonly active = $derived(this.phase === 'starting' || this.phase === 'running')

  /** The before/after table of the finished run. */
  readonly table = $derived.by((): BeforeAfter[] => {
    const outcome = this.outcome
    if (!outcome || !this.started) return []
    const drawings = { what: 'Your drawings', images: this.started.count, before: outcome.before?.metrics.accuracy ?? null, after: outcome.validation?.metrics.accuracy ?? null }
    const mnist = outcome.reference ? [{ what: 'MNIST test digits', images: outcome.reference.images, before: outcome.reference.before, after: outcome.reference.after }] : []
    return [drawings, ...mnist]
  })

  async train(folder: string): Promise<void> {
    if (this.active) return
    this.phase = 'starting'
    this.#runId = null
    this.progress = 0
    this.outcome = null
    this.error = null
    try {
      this.started = await window.api.fineTuneHandwriting({ folder })
      this.#runId ??= this.started.runId
      if (this.phase === 'starting') this.phase = 'running'
    } catch (error) {
      this.error = errorText(error)
      this.phase = 'idle'
    }
  }

  async stop(): Promise<void> {
    if (this.active) await window.api.stopTraining()
  }

  /** Go back to the model in use before the fine-tune. */
  async undo(): Promise<void> {
    try {
      await window.api.undoHandwriting()
      this.undoable = false
    } catch (error) {
      this.error = errorText(error)
    }
  }

  /** Whether an event is this run's (one that arrives before the start's reply is, while starting). */
  claims(runId: number): boolean {
    if (this.phase === 'starting' && this.#runId === null) this.#runId = runId
    return runId === this.#runId
  }

  receive(event: TrainingEvent): void {
    if (event.kind === 'progress') {
      this.progress = Math.min(1, (event.epoch + (event.batch + 1) / event.batches) / event.epochs)
      if (this.phase === 'starting') this.phase = 'running'
    } else if (event.kind === 'finished') {
      this.outcome = event
      this.phase = 'finished'
      this.undoable = event.status === 'completed'
    }
  }
}

export const handwriting = new HandwritingTuning()
