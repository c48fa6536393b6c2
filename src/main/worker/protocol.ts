import type { DigitDataset } from '../engine/data/dataset'
import type { InterpretationView, LrFindResult } from '../../shared/interpretation'
import type { RunStatus, RunTask, TrainingConfig, TrainingEvent, ValidationSummary } from '../../shared/training'

/** Messages the service sends a training worker. The dataset's pixels live in shared memory. */
export type ToWorker =
  | { readonly type: 'start'; readonly task: RunTask; readonly dataset: DigitDataset; readonly config: TrainingConfig }
  | { readonly type: 'stop' }

/** Messages a training worker sends back: events as they happen, then one result (and, after training, where the model is wrong). */
export type FromWorker =
  | { readonly type: 'event'; readonly event: TrainingEvent }
  | {
      readonly type: 'result'
      readonly status: Exclude<RunStatus, 'crashed'>
      readonly message: string
      readonly epochsDone: number
      readonly state: Record<string, Float32Array>
      readonly batchLosses: number[]
      readonly validation: ValidationSummary | null
    }
  | { readonly type: 'interpreted'; readonly interpretation: InterpretationView }
  | { readonly type: 'lr-found'; readonly result: LrFindResult }
  | { readonly type: 'failed'; readonly message: string }
