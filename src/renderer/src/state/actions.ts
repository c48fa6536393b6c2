import type { TrainingEvent } from '../../../shared/training'
import { dataset } from './dataset.svelte'
import { handwriting } from './handwriting.svelte'
import { interpretation } from './interpretation.svelte'
import { lrFinder } from './lr-finder.svelte'
import { trainForm } from './train-form.svelte'
import { training } from './training.svelte'

/** What keeps the worker from taking another job now, or null. */
function workerBlocker(): string | null {
  if (!dataset.view) return 'Open a dataset first (Data view).'
  if (dataset.importing) return 'Wait for the import to finish.'
  if (training.active || handwriting.active) return 'A run is in progress.'
  if (lrFinder.active) return 'The learning-rate finder is running.'
  return null
}

/** Why Train cannot run now, or null when it can. */
export function trainBlocker(): string | null {
  return workerBlocker() ?? (trainForm.valid ? null : 'Fix the highlighted settings first.')
}

/** Train the form's model on the open dataset, if nothing stands in the way. */
export function trainNow(): void {
  if (trainBlocker() === null) void training.start(trainForm.config)
}

/** Why the learning-rate finder cannot run now, or null when it can. */
export function finderBlocker(): string | null {
  return workerBlocker() ?? (trainForm.finderReady ? null : 'Fix the highlighted settings first.')
}

/** Sweep learning rates with the form's settings, if nothing stands in the way. */
export function findLearningRate(): void {
  if (finderBlocker() === null) void lrFinder.run(trainForm.finderConfig)
}

/** Whether Stop has something to stop: a training run or a sweep, not already stopping. */
export function canStop(): boolean {
  return training.phase === 'starting' || training.phase === 'running' || lrFinder.phase === 'running' || handwriting.active
}

/** Stop the training run or the learning-rate sweep in progress. */
export function stopNow(): void {
  if (handwriting.active) void handwriting.stop()
  else if (training.active) void training.stop()
  else void lrFinder.stop()
}

/**
 * An event of a worker's run: a sweep's go to the finder, a training's to the run, whose end with
 * a model (completed, stopped or diverged) fetches where that model is wrong.
 */
export function receiveTraining(runId: number, event: TrainingEvent): void {
  if (handwriting.claims(runId)) return handwriting.receive(event)
  if (lrFinder.claims(runId, event, training.runId)) return lrFinder.receive(event)
  training.receive(runId, event)
  if (event.kind === 'finished' && event.status !== 'crashed' && training.runId === runId) void interpretation.load(runId)
}
