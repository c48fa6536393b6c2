import type { DigitDataset } from '../engine/data/dataset'
import type { Learner, LearnerCallback } from '../engine/learner/learner'
import { createLearner } from '../engine/learner/recipe'
import type { TrainingConfig } from '../../shared/training'
import type { ProjectHistory } from './project'
import type { ProjectManifest } from './project-manifest'

/** Where training stands: epochs and batches done, the optimizer's learning rate and momentum, the loader's shuffle state. */
export type TrainingPosition = Omit<ProjectManifest['training'], 'epochs'>

/**
 * Everything a project holds about a run but its data: what a worker sends back when it finishes
 * and what it is sent to continue from. Its arrays are copies, free to transfer between threads.
 */
export interface LearnerSnapshot {
  readonly config: TrainingConfig
  readonly modelState: Record<string, Float32Array>
  /** The shape of each `modelState` tensor (a project stores it). */
  readonly modelShapes: Record<string, readonly number[]>
  readonly optimizerState: Record<string, Float32Array[] | number>
  readonly history: ProjectHistory
  readonly training: TrainingPosition
}

/** Copy out of a learner all a project needs to continue it. */
export function snapshotLearner(learner: Learner, config: TrainingConfig): LearnerSnapshot {
  const modelState: Record<string, Float32Array> = {}
  const modelShapes: Record<string, readonly number[]> = {}
  for (const [name, tensor] of [...learner.model.namedParameters(), ...learner.model.namedBuffers()]) {
    modelState[name] = tensor.data.slice()
    modelShapes[name] = [...tensor.shape]
  }
  const { recorder } = learner
  return {
    config,
    modelState,
    modelShapes,
    optimizerState: learner.opt.state(),
    history: {
      batchLosses: [...recorder.batchLosses],
      learningRates: [...recorder.learningRates],
      epochs: recorder.epochs.map((record) => ({ ...record, metrics: { ...record.metrics } })),
      epochEnds: [...recorder.epochEnds],
    },
    training: {
      epochsDone: learner.epochsDone,
      batchesDone: recorder.batchLosses.length,
      lr: learner.opt.lr,
      momentum: learner.opt.momentum,
      trainLoader: learner.dls.train.state(),
    },
  }
}

/** The buffers of a snapshot, to transfer rather than copy it to another thread (it must not be used here after). */
export function snapshotBuffers(snapshot: LearnerSnapshot): ArrayBuffer[] {
  const optimizer = Object.values(snapshot.optimizerState).flatMap((value) => (typeof value === 'number' ? [] : value))
  const buffers = [...Object.values(snapshot.modelState), ...optimizer].map((array) => array.buffer as ArrayBuffer)
  return [...new Set(buffers)].filter((buffer) => buffer.byteLength > 0)
}

/** Every optimizer buffer list has one entry per parameter, of its size (or empty: momentum not started). */
function checkOptimizerState(learner: Learner, state: LearnerSnapshot['optimizerState']): void {
  const params = learner.opt.params
  for (const [key, value] of Object.entries(state)) {
    if (typeof value === 'number') continue
    const fits = value.length === params.length && value.every((buffer, i) => buffer.length === 0 || buffer.length === params[i].size)
    if (!fits) throw new Error(`the project's optimizer state "${key}" does not fit the model's ${params.length} parameters`)
  }
}

/**
 * Rebuild a learner from a snapshot on the data it was trained on, with its weights, optimizer
 * state, learning rate, momentum, shuffle state and history: `fit(n)` then continues the run as if
 * it had never stopped, and the recorder's curves continue where they stood.
 */
export function restoreLearner(snapshot: LearnerSnapshot, dataset: DigitDataset, callbacks: readonly LearnerCallback[] = []): Learner {
  const learner = createLearner(dataset, snapshot.config, callbacks, null)
  learner.model.loadStateDict(snapshot.modelState)
  checkOptimizerState(learner, snapshot.optimizerState)
  learner.opt.loadState(snapshot.optimizerState)
  learner.opt.lr = snapshot.training.lr
  if (snapshot.training.momentum !== undefined) learner.opt.momentum = snapshot.training.momentum
  learner.dls.train.loadState(snapshot.training.trainLoader)
  const { recorder } = learner
  for (let i = 0; i < snapshot.history.batchLosses.length; i++) recorder.recordBatch(snapshot.history.batchLosses[i], snapshot.history.learningRates[i])
  snapshot.history.epochs.forEach((record, i) => recorder.recordEpoch(record, snapshot.history.epochEnds[i]))
  return learner
}
