import type { EpochRecord } from '../../../shared/training'

export type { EpochRecord }

/**
 * What a run recorded: every training batch's loss (with the learning rate it used) and one
 * row per epoch. It survives across `fit` calls, so a continued run extends the same curves.
 */
export class Recorder {
  readonly batchLosses: number[] = []
  readonly learningRates: number[] = []
  readonly epochs: EpochRecord[] = []
  /** How many batches had been trained when each epoch ended (a Stop mid-epoch leaves batches no epoch counts). */
  readonly epochEnds: number[] = []

  recordBatch(loss: number, lr: number): void {
    this.batchLosses.push(loss)
    this.learningRates.push(lr)
  }

  /** An epoch's row; it ended after `atBatch` batches (by default, every batch recorded so far). */
  recordEpoch(row: EpochRecord, atBatch = this.batchLosses.length): void {
    this.epochs.push(row)
    this.epochEnds.push(atBatch)
  }

  /** The last epoch's row, if any. */
  get last(): EpochRecord | undefined {
    return this.epochs.at(-1)
  }
}
