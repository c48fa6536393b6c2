import type { DigitDataset } from '../engine/data/dataset'
import type { TrainingConfig, TrainingEvent, RunStatus } from '../../shared/training'

/** Messages the service sends a training worker. The dataset's pixels live in shared memory. */
export type ToWorker =
  | { readonly type: 'start'; readonly dataset: DigitDataset; readonly config: TrainingConfig }
  | { readonly type: 'stop' }

/** Messages a training worker sends back: events as they happen, then the weights once. */
export type FromWorker =
  | { readonly type: 'event'; readonly event: TrainingEvent }
  | {
      readonly type: 'result'
      readonly status: Exclude<RunStatus, 'crashed'>
      readonly message: string
      readonly epochsDone: number
      readonly state: Record<string, Float32Array>
      readonly batchLosses: number[]
    }
  | { readonly type: 'failed'; readonly message: string }
