import { availableParallelism } from 'node:os'
import { parentPort } from 'node:worker_threads'
import { MAX_THREADS, setThreads, startingProvider, threadsReady, useProvider, type KernelProvider } from '../engine/kernels'
import { createLearner, fitFromConfig } from '../engine/learner/recipe'
import { Interpretation } from '../engine/learner/interpretation'
import { TrainingDivergedError, type BatchProgress, type Learner, type LearnerCallback } from '../engine/learner/learner'
import { lrFind } from '../engine/learner/lr-find'
import { engineLogits } from '../onnx/parity'
import { TrainedModel } from '../service/trained-model'
import { restoreLearner, snapshotBuffers, snapshotLearner } from '../storage/learner-snapshot'
import type { InterpretationView } from '../../shared/interpretation'
import type { EpochRecord, ReferenceScore, TrainingEvent } from '../../shared/training'
import { readRawSplit, selectDigits } from '../datasets/builtin'
import { DataLoader } from '../engine/data/dataloader'
import { ImageDataset } from '../engine/data/dataset'
import { predictClasses } from '../engine/learner/predictions'
import type { FromWorker, ToWorker } from './protocol'
import { exitWhenAsked } from './exit'
import { errorMessage } from '../../shared/error-message'

/**
 * At most this many progress events a second (each carries every batch loss since the last). Each one redraws
 * the page's chart and numbers on the cores the run trains on: at 20 a second the page took a fifth of a core.
 */
const PROGRESS_PER_SECOND = 5

if (!parentPort) throw new Error('training-worker must run in a worker thread')
const port = parentPort
const stop = new AbortController()
const send = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer)
const emit = (event: TrainingEvent): void => send({ type: 'event', event })

/**
 * Gathers every batch loss and sends them as one progress event per interval, at each epoch's end
 * and when the run ends (a Stop part-way through an epoch too), with speed and ETA over the
 * `epochsThisRun` epochs this run trains: the app's chart gets every loss the run recorded.
 */
function progressReporter(epochsThisRun: number): LearnerCallback {
  const started = performance.now()
  let pending: number[] = []
  let last: BatchProgress | null = null
  let lastSent = 0
  let images = 0
  const report = (p: BatchProgress, now: number): void => {
    lastSent = now
    const elapsed = (now - started) / 1000
    const epochsDone = p.epoch - (p.epochs - epochsThisRun)
    const fractionDone = (epochsDone + (p.batch + 1) / p.batches) / epochsThisRun
    emit({
      kind: 'progress', epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, losses: pending, lr: p.lr,
      imagesPerSecond: images / Math.max(elapsed, 1e-9), etaSeconds: fractionDone > 0 ? elapsed * (1 / fractionDone - 1) : 0,
    })
    pending = []
  }
  return {
    afterBatch: (p) => {
      pending.push(p.loss)
      images += p.images
      last = p
      const now = performance.now()
      if (p.batch === p.batches - 1 || now - lastSent >= 1000 / PROGRESS_PER_SECOND) report(p, now)
    },
    afterFit: () => {
      if (last && pending.length > 0) report(last, performance.now())
    },
  }
}

/** Where the model is wrong on the validation split, in the shape the app shows. */
function interpret(learner: Learner, labelNames: readonly string[]): InterpretationView {
  const interpretation = Interpretation.fromLearner(learner, { labelNames })
  return {
    labels: labelNames,
    confusion: interpretation.confusionMatrix(),
    actual: Array.from(interpretation.actual),
    predicted: Array.from(interpretation.predicted),
    topLosses: interpretation.topLosses(16),
    mostConfused: interpretation.mostConfused(),
  }
}

/** The learning-rate finder: sweep, report each step (throttled), send the curve and suggestion. */
async function findLearningRate(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const learner = createLearner(message.dataset, message.config, [], message.start)
  const numIt = 100
  let lastSent = 0
  const result = await lrFind(learner, {
    numIt,
    signal: stop.signal,
    onStep: ({ iteration, lr, loss }) => {
      const now = performance.now()
      if (now - lastSent < 1000 / PROGRESS_PER_SECOND && iteration < numIt - 1) return
      lastSent = now
      emit({ kind: 'lr-find-step', iteration, iterations: numIt, lr, loss })
    },
  })
  send({ type: 'lr-found', result })
}

/** Train `config.epochs` epochs — of a new learner, or more of the run a `resume` snapshot holds. */
async function train(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const callbacks = [
    progressReporter(message.config.epochs),
    { afterEpoch: (record: EpochRecord) => emit({ kind: 'epoch', record }) },
  ]
  const learner = message.resume ? restoreLearner({ ...message.resume, config: message.config }, message.dataset, callbacks) : createLearner(message.dataset, message.config, callbacks, message.start)
  const fromStart = !message.resume && (message.config.start?.kind ?? 'scratch') !== 'scratch'
  // What the run starts from, on the same validation images: what a person compares the result with.
  const before = fromStart ? learner.validate() : null
  const reference = message.reference ? mnistTestAccuracy(learner) : null
  let status: 'completed' | 'stopped' | 'diverged' = 'completed'
  const epochs = (n: number): string => `${n} epoch${n === 1 ? '' : 's'}`
  let text = message.resume
    ? `trained ${epochs(message.config.epochs)} more (${epochs(message.config.epochs + message.resume.training.epochsDone)} in all)`
    : message.config.model.kind === 'pixel'
      ? "compared the validation images with each class's mean image"
      : `trained ${epochs(message.config.epochs)}`
  try {
    const result = await fitFromConfig(learner, message.config, stop.signal)
    if (!result.completed) {
      status = 'stopped'
      text = `stopped after ${learner.recorder.batchLosses.length} batches; the model keeps what it learned`
    }
  } catch (error) {
    if (!(error instanceof TrainingDivergedError)) throw error
    status = 'diverged'
    text = error.message
  }
  // The result goes at once (Stop answers within a batch); a run that trains no epoch (pixel similarity)
  // is validated first, one that stopped part-way is not — its interpretation, next, says how it does.
  const last = learner.recorder.last
  const validation = status !== 'completed' ? null : last ? { loss: last.validLoss, metrics: last.metrics } : learner.validate()
  const snapshot = snapshotLearner(learner, message.config)
  const scored = reference && { ...reference, after: status === 'completed' ? mnistTestAccuracy(learner).before : null }
  send({ type: 'result', status, message: text, epochsDone: learner.epochsDone, snapshot, validation, before, reference: scored }, snapshotBuffers(snapshot))
  send({ type: 'interpreted', interpretation: interpret(learner, message.dataset.labelNames) })
}

/** The learner's model on MNIST's 10,000 test digits (its labels are the digits 0–9, in order). */
function mnistTestAccuracy(learner: Learner): ReferenceScore {
  const test = selectDigits(readRawSplit('t10k'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  const predicted = predictClasses(learner.model, new DataLoader(new ImageDataset(test, 28, 28, 'class'), { batchSize: 256 }))
  const right = predicted.reduce((sum, p, i) => sum + (p === test.labels[i] ? 1 : 0), 0)
  return { name: 'MNIST test', images: test.count, before: right / test.count, after: null }
}

/** The threads a run computes on: as many as it asks for (all by default), never more than this computer's cores. */
function trainingThreads(requested: number | undefined, cores = availableParallelism()): number {
  return Math.max(1, Math.min(requested ?? cores, cores, MAX_THREADS))
}

/** Start the engine's helper threads for this run and pick its kernels (the engine's default when not asked). */
async function useThreads(requested: number | undefined, kernels: KernelProvider | undefined): Promise<void> {
  useProvider(kernels ?? startingProvider())
  setThreads(trainingThreads(requested))
  await threadsReady()
}

/** A trained model's logits on validation images (the export's check), computed here so main never stalls on them. */
function evaluate(message: Extract<ToWorker, { type: 'evaluate' }>): void {
  const { model } = TrainedModel.fromState(message.config, message.dataset, '', message.state, 0, null)
  const logits = engineLogits(model, message.dataset.valid, message.size, message.indices)
  send({ type: 'evaluated', logits }, [logits.data.buffer as ArrayBuffer])
}

const failed = (error: unknown): void => send({ type: 'failed', message: errorMessage(error) })

// Loaded: a worker started ahead of its run (service/spare-worker.ts) is warm. Its helper threads start with the
// run, as many as it asks for.
send({ type: 'ready' })

port.on('message', (message: ToWorker) => {
  if (exitWhenAsked(message)) return
  if (message.type === 'stop') stop.abort()
  else if (message.type === 'evaluate') void useThreads(message.config.threads, message.config.kernels).then(() => evaluate(message)).catch(failed)
  else void useThreads(message.config.threads, message.config.kernels).then(() => (message.task === 'lr-find' ? findLearningRate(message) : train(message))).catch(failed)
})
