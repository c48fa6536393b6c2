import { parentPort } from 'node:worker_threads'
import { createLearner, fitFromConfig } from '../engine/learner/recipe'
import { Interpretation } from '../engine/learner/interpretation'
import { TrainingDivergedError, type BatchProgress, type Learner } from '../engine/learner/learner'
import { lrFind } from '../engine/learner/lr-find'
import type { InterpretationView } from '../../shared/interpretation'
import type { TrainingEvent } from '../../shared/training'
import type { FromWorker, ToWorker } from './protocol'

/** At most this many progress events a second, so the UI stays smooth however fast batches run. */
const PROGRESS_PER_SECOND = 20

if (!parentPort) throw new Error('training-worker must run in a worker thread')
const port = parentPort
const stop = new AbortController()
const send = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer)
const emit = (event: TrainingEvent): void => send({ type: 'event', event })

/**
 * Gathers every batch loss and sends them as one progress event per interval (and at each
 * epoch's end), with speed and ETA over the `epochsThisRun` epochs this run trains.
 */
function progressReporter(epochsThisRun: number) {
  const started = performance.now()
  let pending: number[] = []
  let lastSent = 0
  let images = 0
  return (p: BatchProgress): void => {
    pending.push(p.loss)
    images += p.images
    const now = performance.now()
    const lastOfEpoch = p.batch === p.batches - 1
    if (!lastOfEpoch && now - lastSent < 1000 / PROGRESS_PER_SECOND) return
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
  const learner = createLearner(message.dataset, message.config)
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

async function train(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const learner = createLearner(message.dataset, message.config, [
    { afterBatch: progressReporter(message.config.epochs) },
    { afterEpoch: (record) => emit({ kind: 'epoch', record }) },
  ])
  let status: 'completed' | 'stopped' | 'diverged' = 'completed'
  let text = `trained ${message.config.epochs} epochs`
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
  const state = learner.model.stateDict()
  send(
    { type: 'result', status, message: text, epochsDone: learner.epochsDone, state, batchLosses: learner.recorder.batchLosses, validation },
    Object.values(state).map((v) => v.buffer as ArrayBuffer),
  )
  send({ type: 'interpreted', interpretation: interpret(learner, message.dataset.labelNames) })
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'stop') stop.abort()
  else void (message.task === 'lr-find' ? findLearningRate(message) : train(message)).catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
})
