import type { Learner, LearnerCallback } from './learner'

/** fastai's `fit_one_cycle` settings; every default is fastai's. */
export interface OneCycleOptions {
  /** Fraction of the steps spent warming up. */
  readonly pctStart?: number
  /** The warm-up starts at lrMax / div. */
  readonly div?: number
  /** The annealing ends at lrMax / divFinal. */
  readonly divFinal?: number
  /** Momentum at the start, at the peak learning rate, and at the end. */
  readonly moms?: readonly [number, number, number]
}

/** fastai's SchedCos: from `start` (pos 0) to `end` (pos 1) along half a cosine. */
export function cosineBetween(start: number, end: number, pos: number): number {
  return start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2
}

/**
 * The one-cycle learning rate and momentum at fraction `pct` ∈ [0, 1) of training: a cosine
 * warm-up from lrMax/div to lrMax over the first pctStart, then cosine annealing to lrMax/divFinal,
 * while momentum goes the other way (high, low at the peak, high again).
 */
export function oneCycleAt(pct: number, lrMax: number, options: OneCycleOptions = {}): { lr: number; momentum: number } {
  const { pctStart = 0.25, div = 25, divFinal = 1e5, moms = [0.95, 0.85, 0.95] } = options
  if (pct < pctStart) {
    const pos = pct / pctStart
    return { lr: cosineBetween(lrMax / div, lrMax, pos), momentum: cosineBetween(moms[0], moms[1], pos) }
  }
  const pos = pctStart >= 1 ? 1 : (pct - pctStart) / (1 - pctStart)
  return { lr: cosineBetween(lrMax, lrMax / divFinal, pos), momentum: cosineBetween(moms[1], moms[2], pos) }
}

/**
 * A callback that sets the optimizer's learning rate and momentum before every batch of a
 * `fit(epochs)` call by the one-cycle policy (fastai's ParamScheduler, position = batches done /
 * total batches). Momentum is cycled only when the optimizer uses it: Adam always (β₁); SGD only
 * when built with momentum, as fastai's SGD without momentum ignores the `mom` schedule.
 */
export function oneCycleScheduler(epochs: number, lrMax: number, options: OneCycleOptions = {}): LearnerCallback {
  if (!(lrMax > 0) || !Number.isFinite(lrMax)) throw new Error(`one-cycle needs a peak learning rate > 0, got ${lrMax}`)
  let firstEpoch = 0
  let cycleMomentum = true
  const apply = (learner: Learner, epoch: number, batch: number, batches: number): void => {
    const pct = ((epoch - firstEpoch) * batches + batch) / Math.max(1, epochs * batches)
    const { lr, momentum } = oneCycleAt(pct, lrMax, options)
    learner.opt.lr = lr
    if (cycleMomentum) learner.opt.momentum = momentum
  }
  return {
    beforeFit(learner) {
      firstEpoch = learner.epochsDone
      cycleMomentum = learner.opt.momentum > 0
      apply(learner, firstEpoch, 0, 1)
    },
    beforeBatch(learner, { epoch, batch, batches }) {
      apply(learner, epoch, batch, batches)
    },
  }
}
