import { noGrad } from '../autograd'
import type { DataLoader, DataLoaders } from '../data/dataloader'
import { kernels } from '../kernels'
import type { Module } from '../nn/module'
import type { Optimizer, OptimizerFactory } from '../optim/optimizer'
import { clipGradNorm } from '../optim/clip'
import { SGD } from '../optim/sgd'
import type { Tensor } from '../tensor'
import { crossEntropy, mnistLoss } from '../ops/loss'
import { stepModeInUse, type StepMode } from '../traced/mode'
import { TracedStep } from '../traced/step'
import { Checkpoints } from './checkpoints'
import { lrFind, type LrFindOptions, type LrFindResult } from './lr-find'
import type { Metric } from './metrics'
import { Recorder, type EpochRecord } from './recorder'
import { oneCycleScheduler, type OneCycleOptions } from './schedule'

export type LossFunction = (predictions: Tensor, targets: Tensor) => Tensor

/** Where a run is, reported after every training batch. */
export interface BatchProgress {
  readonly epoch: number
  readonly epochs: number
  readonly batch: number
  readonly batches: number
  readonly loss: number
  readonly lr: number
  readonly images: number
}

/** Hooks into `fit`, as fastai's callbacks. `beforeBatch` may change `learner.opt.lr` (schedules). */
export interface LearnerCallback {
  beforeFit?(learner: Learner): void
  beforeBatch?(learner: Learner, progress: { readonly epoch: number; readonly batch: number; readonly batches: number }): void
  afterBatch?(progress: BatchProgress): void
  afterEpoch?(record: EpochRecord): void
  afterFit?(learner: Learner): void
}

export interface LearnerOptions {
  readonly lossFunc: LossFunction
  readonly optFunc?: OptimizerFactory
  readonly metrics?: readonly Metric[]
  readonly callbacks?: readonly LearnerCallback[]
  /** The learning rate the optimizer starts with when `fit` is given none. */
  readonly lr?: number
  /** Clip the gradients' global L2 norm to this before every step (off when absent). */
  readonly gradClip?: number
}

/** How `fit` ended: all epochs done, or stopped by its AbortSignal (the model keeps what it learned). */
export interface FitResult {
  readonly completed: boolean
  readonly epochsDone: number
}

/** Thrown when a loss or gradient stops being a finite number; the weights are the last good ones. */
export class TrainingDivergedError extends Error {
  constructor(what: string, readonly epoch: number, readonly batch: number, readonly lr: number) {
    super(`training diverged at epoch ${epoch + 1}, batch ${batch + 1}: the ${what} is not a finite number at learning rate ${lr}. ` +
      `The weights are kept as they were before this step; try a learning rate about 10× lower.`)
    this.name = 'TrainingDivergedError'
  }
}

/** Whether every value of every array present is a finite number. */
function allFinite(arrays: readonly (Float32Array | undefined)[]): boolean {
  return arrays.every((values) => !values || kernels.allFinite(values))
}

/** The weights before the latest step, in buffers reused every step, so a bad step can be undone. */
class WeightSnapshot {
  private copies: Float32Array[] = []

  save(params: readonly Tensor[]): void {
    if (this.copies.length !== params.length) this.copies = params.map((param) => new Float32Array(param.size))
    params.forEach((param, i) => this.copies[i].set(param.data))
  }

  restore(params: readonly Tensor[]): void {
    params.forEach((param, i) => param.data.set(this.copies[i]))
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

// NOTE: a turn costs ~20 µs, a tenth of a linear model's step, so fast batches share one; an abort from outside
// (Stop) lands within this many milliseconds, and the batch after it does not start.
/** The event loop gets a turn between batches at least this often during training. */
const TURN_MS = 5

/** Trains a model on DataLoaders with a loss, an optimizer and metrics, recording as it goes. */
export class Learner {
  readonly recorder = new Recorder()
  readonly opt: Optimizer
  readonly lossFunc: LossFunction
  readonly metrics: readonly Metric[]
  /** The model after the last epoch and after the best one (lowest validation loss), in memory. */
  readonly checkpoints = new Checkpoints()
  readonly gradClip: number | null
  private readonly callbacks: readonly LearnerCallback[]
  /** The callbacks of the `fit` call running now: its own ones first, then the learner's. */
  private active: readonly LearnerCallback[]
  private readonly lastGood = new WeightSnapshot()
  private traced: TracedStep | null = null
  /** How the latest training step ran: one traced onnxruntime graph, or op by op (null before the first step). */
  lastStep: StepMode | null = null

  constructor(readonly dls: DataLoaders, readonly model: Module, options: LearnerOptions) {
    this.lossFunc = options.lossFunc
    this.metrics = options.metrics ?? []
    this.callbacks = options.callbacks ?? []
    this.active = this.callbacks
    this.gradClip = options.gradClip ?? null
    const optFunc = options.optFunc ?? ((params, lr) => new SGD(params, lr))
    this.opt = optFunc(model.parameters(), options.lr ?? 1e-3)
  }

  /** Epochs trained so far, over every `fit` call. */
  get epochsDone(): number {
    return this.recorder.epochs.length
  }

  /**
   * Train for `epochs` more epochs. The event loop gets a turn after every batch, so an abort
   * (Stop) takes effect before the next batch starts. `callbacks` join the learner's for this call
   * only, ahead of them (a scheduler sets the learning rate before others read it).
   */
  async fit(epochs: number, lr?: number, signal?: AbortSignal, callbacks: readonly LearnerCallback[] = []): Promise<FitResult> {
    if (lr !== undefined) this.opt.lr = lr
    this.active = [...callbacks, ...this.callbacks]
    this.emit((cb) => cb.beforeFit?.(this))
    let done = 0
    const lastEpoch = this.epochsDone + epochs
    try {
      for (; done < epochs; done++) {
        const started = performance.now()
        const epoch = this.epochsDone
        const trainLoss = await this.trainEpoch(epoch, lastEpoch, signal)
        if (trainLoss === null) return { completed: false, epochsDone: done }
        const { loss: validLoss, metrics } = this.validate()
        const record: EpochRecord = { epoch, trainLoss, validLoss, metrics, seconds: (performance.now() - started) / 1000 }
        this.recorder.recordEpoch(record)
        this.checkpoints.save(record, this.model)
        this.emit((cb) => cb.afterEpoch?.(record))
      }
      return { completed: true, epochsDone: done }
    } finally {
      this.model.eval()
      this.emit((cb) => cb.afterFit?.(this))
      this.active = this.callbacks
    }
  }

  /**
   * fastai's `fit_one_cycle`: `epochs` epochs with the learning rate warming up from lrMax/25 to
   * `lrMax` over the first quarter and annealing to lrMax/1e5, momentum cycling 0.95 → 0.85 → 0.95.
   */
  fitOneCycle(epochs: number, lrMax: number, options: OneCycleOptions & { readonly signal?: AbortSignal } = {}): Promise<FitResult> {
    return this.fit(epochs, undefined, options.signal, [oneCycleScheduler(epochs, lrMax, options)])
  }

  /** fastai's `lr_find`: an exponential learning-rate sweep that leaves the learner as it was. */
  lrFind(options: LrFindOptions = {}): Promise<LrFindResult> {
    return lrFind(this, options)
  }

  /**
   * One optimisation step on a batch: forward, loss, backward, optional clipping, update. Returns
   * the loss; throws TrainingDivergedError (weights kept as before the step) when the loss, a
   * gradient or an updated weight is not finite. `at` names the batch in that error.
   */
  trainStep(x: Tensor, y: Tensor, at: { readonly epoch: number; readonly batch: number }): number {
    const traced = this.tracedStep(x, y)
    this.lastStep = traced === null ? 'ops' : 'graph'
    const loss = traced === null ? this.lossFunc(this.model.forward(x), y) : null
    const value = loss ? loss.item() : traced!
    if (!Number.isFinite(value)) {
      this.opt.zeroGrad()
      throw new TrainingDivergedError('loss', at.epoch, at.batch, this.opt.lr)
    }
    loss?.backward()
    if (!allFinite(this.opt.params.map((param) => param.grad?.data))) {
      this.opt.zeroGrad()
      throw new TrainingDivergedError('gradient', at.epoch, at.batch, this.opt.lr)
    }
    if (this.gradClip !== null) clipGradNorm(this.opt.params, this.gradClip)
    this.lastGood.save(this.opt.params)
    this.opt.step()
    this.opt.zeroGrad()
    if (!allFinite(this.opt.params.map((param) => param.data))) {
      this.lastGood.restore(this.opt.params)
      throw new TrainingDivergedError('updated weight', at.epoch, at.batch, this.opt.lr)
    }
    return value
  }

  /** Forward, loss and backward as one traced graph, when the step mode, the model and the loss allow: the loss, else null. */
  private tracedStep(x: Tensor, y: Tensor): number | null {
    if (stepModeInUse() !== 'graph') return null
    const loss = this.lossFunc === crossEntropy ? 'cross-entropy' : this.lossFunc === mnistLoss ? 'mnist' : null
    if (loss === null) return null
    this.traced ??= new TracedStep(this.model, loss)
    return this.traced.run(x, y)
  }

  /** The model's output through the traced graph, in the graph step mode once a traced step has run; else null. */
  private tracedForward(x: Tensor): Tensor | null {
    return stepModeInUse() === 'graph' && this.lastStep === 'graph' && this.traced ? this.traced.forward(x) : null
  }

  /** Why the traced step cannot hold this learner's model, or null when it can (or was not tried). */
  get tracedProblem(): string | null {
    return this.traced?.problem ?? null
  }

  /** One pass over the training data; null when stopped part-way. Returns the size-weighted mean loss. */
  private async trainEpoch(epoch: number, epochs: number, signal?: AbortSignal): Promise<number | null> {
    this.model.train()
    const loader = this.dls.train
    let total = 0
    let seen = 0
    let batch = 0
    let nextTurnAt = performance.now()
    // Nothing keeps a batch past its step, so every batch may be written into the same input array.
    for (const { x, y } of loader.batches({ reuseInputs: true })) {
      if (signal?.aborted) return null
      this.emit((cb) => cb.beforeBatch?.(this, { epoch, batch, batches: loader.length }))
      const value = this.trainStep(x, y, { epoch, batch })
      const n = x.shape[0]
      total += value * n
      seen += n
      this.recorder.recordBatch(value, this.opt.lr)
      this.emit((cb) => cb.afterBatch?.({ epoch, epochs, batch, batches: loader.length, loss: value, lr: this.opt.lr, images: n }))
      batch++
      if (performance.now() >= nextTurnAt) {
        await nextTurn()
        nextTurnAt = performance.now() + TURN_MS
      }
    }
    return seen === 0 ? Number.NaN : total / seen
  }

  /** Loss and metrics on a loader (validation by default), each averaged weighting batches by size. */
  validate(loader: DataLoader = this.dls.valid): { loss: number; metrics: Record<string, number> } {
    this.model.eval()
    return noGrad(() => {
      let loss = 0
      let seen = 0
      const sums = this.metrics.map(() => 0)
      for (const { x, y } of loader.batches({ reuseInputs: true })) {
        const predictions = this.tracedForward(x) ?? this.model.forward(x)
        const n = x.shape[0]
        loss += this.lossFunc(predictions, y).item() * n
        this.metrics.forEach((metric, i) => (sums[i] += metric.compute(predictions, y) * n))
        seen += n
      }
      const metrics = Object.fromEntries(this.metrics.map((metric, i) => [metric.name, sums[i] / seen]))
      return { loss: loss / seen, metrics }
    })
  }

  private emit(call: (cb: LearnerCallback) => void): void {
    for (const cb of this.active) call(cb)
  }
}
