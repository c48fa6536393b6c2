import { TrainingDivergedError, type Learner } from './learner'
import type { LrFindResult, LrSuggestionRule } from '../../../shared/interpretation'

export type { LrFindResult, LrSuggestionRule }

/** fastai's `lr_find` settings; every default is fastai's. */
export interface LrFindOptions {
  readonly startLr?: number
  readonly endLr?: number
  /** Number of mini-batches in the sweep (the training data is cycled if it has fewer). */
  readonly numIt?: number
  /** Stop once the smoothed loss exceeds 4× its minimum. */
  readonly stopDiv?: boolean
  readonly signal?: AbortSignal
  /** Called after every step of the sweep, e.g. to draw the curve as it grows. */
  readonly onStep?: (step: { readonly iteration: number; readonly lr: number; readonly loss: number }) => void
}

export const LR_RULE_DESCRIPTIONS: Readonly<Record<LrSuggestionRule, string>> = {
  valley: 'valley (fastai\'s default): halfway along the longest stretch where the loss keeps falling',
  minimum: 'minimum ÷ 10: a tenth of the learning rate where the smoothed loss was lowest',
  steep: 'steepest slope: where the loss falls fastest per step of log(lr)',
}

/**
 * fastai's `valley`: the middle of the longest decreasing run of losses (longest decreasing
 * subsequence). fastai's start (end − length) is one before the run's first step, so on a curve
 * whose longest fall is one step at its very start the index comes out −1 — which Python reads as
 * the last learning rate of the sweep (the highest); here it is the run's first step.
 */
function valley(losses: readonly number[]): number {
  const n = losses.length
  const lengths = new Array<number>(n).fill(1)
  let [maxStart, maxEnd] = [0, 0]
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i] < losses[j] && lengths[i] < lengths[j] + 1) lengths[i] = lengths[j] + 1
      if (lengths[maxEnd] < lengths[i]) {
        maxEnd = i
        maxStart = maxEnd - lengths[maxEnd]
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3
  return Math.max(0, maxStart + Math.trunc(sections) + Math.trunc(sections / 2))
}

/** fastai's `steep`: the step where the loss falls fastest against log(lr). */
function steepest(lrs: readonly number[], losses: readonly number[]): number {
  let best = 0
  let bestSlope = Infinity
  for (let i = 0; i + 1 < losses.length; i++) {
    const slope = (losses[i + 1] - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i]))
    if (slope < bestSlope) [best, bestSlope] = [i, slope]
  }
  return best
}

/** Every rule's suggestion from the recorded curve, skipping the first tenth and the last 5 steps as fastai does. */
export function suggestLearningRates(lrs: readonly number[], losses: readonly number[], numIt: number): Record<LrSuggestionRule, number> {
  const [from, to] = [Math.floor(numIt / 10), lrs.length - 5]
  const trimmed = to - from >= 3
  const [l, y] = trimmed ? [lrs.slice(from, to), losses.slice(from, to)] : [lrs, losses]
  if (l.length === 0) throw new Error('the learning-rate finder recorded no steps')
  const lowest = y.reduce((best, loss, i) => (loss < y[best] ? i : best), 0)
  return { valley: l[valley(y)], minimum: l[lowest] / 10, steep: l[steepest(l, y)] }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * fastai's learning-rate finder: train on mini-batches while the learning rate grows
 * exponentially from `startLr` to `endLr` over `numIt` steps, recording the smoothed loss, until
 * it exceeds 4× its minimum or stops being finite. The weights, buffers, optimizer state, learning
 * rate, momentum and the training loader's shuffle are restored afterwards, so a `fit` after the
 * sweep runs as it would have without it (with augmentation on, the images' random draws move on).
 */
export async function lrFind(learner: Learner, options: LrFindOptions = {}): Promise<LrFindResult> {
  const { startLr = 1e-7, endLr = 10, numIt = 100, stopDiv = true, signal, onStep } = options
  if (!(startLr > 0 && endLr > startLr) || !Number.isInteger(numIt) || numIt < 2) {
    throw new Error(`lrFind needs 0 < startLr < endLr and at least 2 steps, got ${startLr}, ${endLr}, ${numIt}`)
  }
  if (learner.dls.train.length === 0) throw new Error('lrFind needs training data')
  const { model, opt } = learner
  const saved = { state: model.stateDict(), opt: opt.state(), lr: opt.lr, momentum: opt.momentum, loader: learner.dls.train.state() }
  const [lrs, losses, rawLosses] = [[] as number[], [] as number[], [] as number[]]
  let stopReason: LrFindResult['stopReason'] = 'completed'
  let [average, best] = [0, Infinity]
  try {
    model.train()
    sweep: while (lrs.length < numIt) {
      for (const { x, y } of learner.dls.train) {
        if (signal?.aborted) {
          stopReason = 'stopped'
          break sweep
        }
        const iteration = lrs.length
        const lr = startLr * Math.pow(endLr / startLr, iteration / numIt)
        opt.lr = lr
        let loss: number
        try {
          loss = learner.trainStep(x, y, { epoch: 0, batch: iteration })
        } catch (error) {
          if (!(error instanceof TrainingDivergedError)) throw error
          stopReason = 'non-finite'
          break sweep
        }
        average = 0.98 * average + 0.02 * loss
        const smoothed = average / (1 - Math.pow(0.98, iteration + 1))
        lrs.push(lr)
        losses.push(smoothed)
        rawLosses.push(loss)
        best = Math.min(best, smoothed)
        onStep?.({ iteration, lr, loss: smoothed })
        if (stopDiv && smoothed > 4 * best) {
          stopReason = 'diverged'
          break sweep
        }
        if (lrs.length >= numIt) break sweep
        await nextTurn()
      }
    }
  } finally {
    model.loadStateDict(saved.state)
    opt.loadState(saved.opt)
    opt.lr = saved.lr
    opt.momentum = saved.momentum
    opt.zeroGrad()
    learner.dls.train.loadState(saved.loader)
    model.eval()
  }
  if (lrs.length === 0 && stopReason === 'stopped') throw new Error('the learning-rate finder was stopped before its first step, so it has nothing to suggest')
  const suggestions = suggestLearningRates(lrs, losses, numIt)
  return {
    lrs, losses, rawLosses, suggestions, stopReason,
    suggestion: { lr: suggestions.valley, rule: 'valley', description: LR_RULE_DESCRIPTIONS.valley },
  }
}
