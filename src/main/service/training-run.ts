import { Worker, type ResourceLimits } from 'node:worker_threads'
import type { DigitDataset } from '../engine/data/dataset'
import type { InterpretationView, LrFindResult } from '../../shared/interpretation'
import type { ReferenceScore, RunStatus, RunTask, TrainingConfig, TrainingEvent, ValidationSummary } from '../../shared/training'
import type { LearnerSnapshot } from '../storage/learner-snapshot'
import type { StartWeights } from '../engine/pretrained/transfer'
import type { FromWorker, ToWorker } from '../worker/protocol'
import { endWorker } from '../worker/exit'
import { spawnWorker } from '../worker/spawn'
import { shareDataset } from './shared-dataset'

/**
 * The training worker's JavaScript heap limits. Tensors live in typed arrays, which these do not
 * count (the memory estimate guards those); a worker that exceeds them is stopped and reported as
 * crashed, instead of taking the whole app down with it.
 */
export const TRAINING_WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 2048 }

/**
 * How a run ended and what it left: the weights as they stood (and the whole snapshot a project
 * saves and a later run continues from) and, when its last epoch finished (or it trains none),
 * their validation — all absent after a crash, or after a finder sweep, which leaves its curve instead.
 */
export interface RunOutcome {
  readonly status: RunStatus
  readonly message: string
  readonly epochsDone: number
  readonly state: Record<string, Float32Array> | null
  readonly batchLosses: readonly number[]
  readonly snapshot: LearnerSnapshot | null
  readonly validation: ValidationSummary | null
  /** A run from a starting point: its validation before training (what the result is compared with). */
  readonly before: ValidationSummary | null
  readonly lrFind: LrFindResult | null
  /** A handwriting fine-tune's MNIST test accuracy, before and after. */
  readonly reference: ReferenceScore | null
}

const crashed = (message: string): RunOutcome => ({
  status: 'crashed', message, epochsDone: 0, state: null, batchLosses: [], snapshot: null, validation: null, before: null, lrFind: null, reference: null,
})

function outcomeOf(message: Exclude<FromWorker, { type: 'ready' | 'event' | 'interpreted' }>): RunOutcome {
  switch (message.type) {
    case 'failed':
      return crashed(`training failed: ${message.message}`)
    case 'evaluated':
      return crashed('the training worker answered an evaluation this run never asked for')
    case 'lr-found': {
      const status = message.result.stopReason === 'stopped' ? 'stopped' : 'completed'
      return { ...crashed(''), status, message: `learning-rate finder: ${message.result.suggestion.description}`, lrFind: message.result }
    }
    case 'result': {
      const { status, message: text, epochsDone, snapshot, validation, before, reference } = message
      return { status, message: text, epochsDone, state: snapshot.modelState, batchLosses: snapshot.history.batchLosses, snapshot, validation, before, lrFind: null, reference }
    }
  }
}

/**
 * One training run in its own worker thread. Events arrive through `onEvent` while it trains;
 * `stop()` ends it within one batch, keeping the model as it stands; `outcome` settles exactly
 * once — also when the worker crashes, which is reported and never takes the app down. Where the
 * model is wrong (`interpretation`) follows, from one more pass over the validation split. It trains in
 * the worker given (a spare, already warm), or in a new one with the limits given.
 */
export class TrainingRun {
  readonly outcome: Promise<RunOutcome>
  readonly interpretation: Promise<InterpretationView | null>
  private readonly worker: Worker
  private settled = false
  private closing = false

  constructor(
    dataset: DigitDataset,
    readonly config: TrainingConfig,
    onEvent: (event: TrainingEvent) => void,
    worker: Worker | ResourceLimits = TRAINING_WORKER_LIMITS,
    task: RunTask = 'train',
    resume?: LearnerSnapshot,
    start?: StartWeights,
    reference?: 'mnist-test',
  ) {
    this.worker = worker instanceof Worker ? worker : spawnWorker('training-worker', { resourceLimits: worker })
    let interpreted: (view: InterpretationView | null) => void = () => {}
    this.interpretation = new Promise((resolve) => (interpreted = resolve))
    const done = (view: InterpretationView | null): void => {
      interpreted(view)
      void endWorker(this.worker)
    }
    this.outcome = new Promise<RunOutcome>((resolve) => {
      const finish = (outcome: RunOutcome): void => {
        if (this.settled) return
        this.settled = true
        onEvent({ kind: 'finished', status: outcome.status, epochsDone: outcome.epochsDone, message: outcome.message, validation: outcome.validation, before: outcome.before, reference: outcome.reference })
        resolve(outcome)
        if (outcome.status === 'crashed' || outcome.lrFind) done(null)
      }
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') return
        if (message.type === 'event') onEvent(message.event)
        else if (message.type === 'interpreted') done(message.interpretation)
        else finish(outcomeOf(message))
      })
      this.worker.on('error', (error) => (finish(crashed(`the training worker crashed: ${error.message}`)), done(null)))
      this.worker.on('exit', (code) => (finish(crashed(this.closing ? 'the app closed before the run ended' : `the training worker exited unexpectedly (code ${code})`)), done(null)))
    })
    // NOTE: a snapshot to resume is copied, not transferred: the caller keeps it, so a run that crashes loses nothing.
    this.post({ type: 'start', task, dataset: shareDataset(dataset), config, ...(resume ? { resume } : {}), ...(start ? { start } : {}), ...(reference ? { reference } : {}) })
  }

  /** Ask the run to stop after the batch in progress. */
  stop(): void {
    if (!this.settled) this.post({ type: 'stop' })
  }

  /** End the run now, its worker gone when this resolves (the app is quitting). */
  async close(): Promise<void> {
    this.closing = true
    await endWorker(this.worker)
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message)
  }
}
