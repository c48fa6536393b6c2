import type { DigitDataset } from '../engine/data/dataset'
import type { EngineLogits } from '../onnx/parity'
import type { LearnerSnapshot } from '../storage/learner-snapshot'
import type { StartWeights } from '../engine/pretrained/transfer'
import type { InterpretationView, LrFindResult } from '../../shared/interpretation'
import type { ReferenceScore, RunStatus, RunTask, TrainingConfig, TrainingEvent, ValidationSummary } from '../../shared/training'

/**
 * Messages the service sends a training worker. The dataset's pixels live in shared memory; a
 * `resume` snapshot (transferred) continues that run for `config.epochs` more epochs.
 */
export type ToWorker =
  | {
      readonly type: 'start'
      readonly task: RunTask
      readonly dataset: DigitDataset
      readonly config: TrainingConfig
      readonly resume?: LearnerSnapshot
      /** The weights of a project the config starts from (a built-in starting point the worker reads itself). */
      readonly start?: StartWeights
      /** Also score the model on MNIST's 10,000 test digits before and after training (labels must be 0–9): forgetting shows. */
      readonly reference?: 'mnist-test'
    }
  | { readonly type: 'stop' }
  /** The logits of a trained model (its config and weights) for the images at `indices` of the validation split. */
  | {
      readonly type: 'evaluate'
      readonly dataset: DigitDataset
      readonly config: TrainingConfig
      readonly state: Record<string, Float32Array>
      readonly indices: Int32Array
      readonly size: readonly [number, number]
    }

/**
 * Messages a training worker sends back: events as they happen, then one result — with the
 * snapshot a project saves and a later run continues from, its buffers transferred — and, after
 * training, where the model is wrong.
 */
export type FromWorker =
  /** The worker has loaded the engine and compiled its kernels: a spare worker is warm. */
  | { readonly type: 'ready' }
  | { readonly type: 'event'; readonly event: TrainingEvent }
  | {
      readonly type: 'result'
      readonly status: Exclude<RunStatus, 'crashed'>
      readonly message: string
      readonly epochsDone: number
      readonly snapshot: LearnerSnapshot
      readonly validation: ValidationSummary | null
      /** The starting point's loss and accuracy on the validation images before training; null from scratch or resumed. */
      readonly before: ValidationSummary | null
      /** The accuracy on the `reference` images before and after (after: null when the run did not complete). */
      readonly reference: ReferenceScore | null
    }
  | { readonly type: 'interpreted'; readonly interpretation: InterpretationView }
  | { readonly type: 'lr-found'; readonly result: LrFindResult }
  | { readonly type: 'evaluated'; readonly logits: EngineLogits }
  | { readonly type: 'failed'; readonly message: string }
