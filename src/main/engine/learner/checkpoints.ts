import type { Module } from '../nn/module'
import type { EpochRecord } from './recorder'

/** The model's parameters and buffers as they were after one epoch. */
export interface Checkpoint {
  readonly epoch: number
  readonly validLoss: number
  readonly metrics: Readonly<Record<string, number>>
  readonly state: Readonly<Record<string, Float32Array>>
}

/**
 * Checkpoints kept in memory after every epoch: the last one, and the best one by validation
 * loss (fastai's SaveModelCallback monitoring valid_loss), so a run that overfits or is stopped
 * can go back to its best epoch. When the last epoch is also the best, both share one copy.
 */
export class Checkpoints {
  last: Checkpoint | null = null
  best: Checkpoint | null = null

  /** Copy the model's state as the last checkpoint, and as the best when its validation loss is lowest so far. */
  save(record: EpochRecord, model: Module): void {
    this.last = { epoch: record.epoch, validLoss: record.validLoss, metrics: record.metrics, state: model.stateDict() }
    // NOTE: a NaN validation loss never becomes the best; a best of NaN is replaced by any number.
    const better = this.best === null || record.validLoss < this.best.validLoss || Number.isNaN(this.best.validLoss)
    if (better && !Number.isNaN(record.validLoss)) this.best = this.last
  }

  clear(): void {
    this.last = null
    this.best = null
  }
}
