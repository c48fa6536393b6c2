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

  recordBatch(loss: number, lr: number): void {
    this.batchLosses.push(loss)
    this.learningRates.push(lr)
  }

  recordEpoch(row: EpochRecord): void {
    this.epochs.push(row)
  }

  /** The last epoch's row, if any. */
  get last(): EpochRecord | undefined {
    return this.epochs.at(-1)
  }
}
