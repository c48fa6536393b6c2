import type { DigitDataset } from '../engine/data/dataset'
import type { Learner, LearnerCallback } from '../engine/learner/learner'
import { createLearner } from '../engine/learner/recipe'
import { PRODUCER, PRODUCER_VERSION } from '../onnx/metadata'
import type { TrainingConfig } from '../../shared/training'
import { datasetFingerprint, readProject, writeProject, type ProjectHistory } from './project'
import { PROJECT_FORMAT, PROJECT_VERSION, type DatasetReference, type ProjectManifest } from './project-manifest'
import type { StoredTensor } from './safetensors'

/** What a project is saved from: the learner mid-run, its config, and the data it trains on. */
export interface ProjectSource {
  readonly learner: Learner
  readonly config: TrainingConfig
  readonly dataset: DigitDataset
  readonly reference: DatasetReference
}

/** A reopened project, ready to rebuild its learner from. */
export interface OpenedProject {
  readonly manifest: ProjectManifest
  readonly config: TrainingConfig
  readonly modelState: Record<string, Float32Array>
  readonly optimizerState: Record<string, Float32Array[] | number>
  readonly history: ProjectHistory
}

const f32 = (data: Float32Array, shape: readonly number[] = [data.length]): StoredTensor => ({ dtype: 'F32', shape, data })
const f64 = (values: readonly number[]): StoredTensor => ({ dtype: 'F64', shape: [values.length], data: Float64Array.from(values) })

/** The learner's tensors: weights (`model.*`), optimizer buffers (`optimizer.<key>.<i>`), history (`history.*`). */
function learnerTensors(learner: Learner): { tensors: Map<string, StoredTensor>; optimizer: Pick<ProjectManifest['optimizer'], 'scalars' | 'buffers'> } {
  const tensors = new Map<string, StoredTensor>()
  for (const [name, tensor] of [...learner.model.namedParameters(), ...learner.model.namedBuffers()]) tensors.set(`model.${name}`, f32(tensor.data.slice(), tensor.shape))
  const scalars: Record<string, number> = {}
  const buffers: Record<string, number> = {}
  for (const [key, value] of Object.entries(learner.opt.state())) {
    if (typeof value === 'number') scalars[key] = value
    else {
      buffers[key] = value.length
      value.forEach((buffer, i) => tensors.set(`optimizer.${key}.${i}`, f32(buffer)))
    }
  }
  tensors.set('history.batch_losses', f64(learner.recorder.batchLosses))
  tensors.set('history.learning_rates', f64(learner.recorder.learningRates))
  return { tensors, optimizer: { scalars, buffers } }
}

/**
 * Save a training project — architecture and config, weights, optimizer state, loss history,
 * the training loader's shuffle state, and which data (with its fingerprint) — to one file, atomically.
 * Saved between epochs, reopening and training on gives the losses of a run never interrupted.
 */
export async function saveProject(path: string, source: ProjectSource): Promise<number> {
  const { learner, config, dataset, reference } = source
  const { tensors, optimizer } = learnerTensors(learner)
  const manifest: Omit<ProjectManifest, 'tensors'> = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    producer: { name: PRODUCER, version: PRODUCER_VERSION },
    savedAt: new Date().toISOString(),
    dataset: {
      ...reference,
      name: dataset.name,
      labelNames: [...dataset.labelNames],
      height: dataset.height,
      width: dataset.width,
      counts: { train: dataset.train.count, valid: dataset.valid.count },
      fingerprint: datasetFingerprint(dataset),
    },
    config,
    training: {
      epochsDone: learner.epochsDone,
      batchesDone: learner.recorder.batchLosses.length,
      lr: learner.opt.lr,
      momentum: learner.opt.momentum,
      trainLoader: learner.dls.train.state(),
      epochs: learner.recorder.epochs.map((record) => ({ ...record, metrics: { ...record.metrics } })),
    },
    optimizer: { kind: config.optimizer, ...optimizer },
  }
  return writeProject(path, { manifest: { ...manifest, tensors: {} }, tensors })
}

/** Read a project and sort its tensors back into weights, optimizer state and history. */
export async function openProject(path: string): Promise<OpenedProject> {
  const { manifest, tensors } = await readProject(path)
  const series = (name: string): number[] => {
    const tensor = tensors.get(name)
    if (tensor?.dtype !== 'F64') throw new Error(`${path} is damaged: its ${name.replace('history.', '').replace('_', ' ')} are missing`)
    return Array.from(tensor.data)
  }
  const modelState: Record<string, Float32Array> = {}
  for (const [name, tensor] of tensors) if (name.startsWith('model.') && tensor.dtype === 'F32') modelState[name.slice('model.'.length)] = tensor.data
  const optimizerState: Record<string, Float32Array[] | number> = { ...manifest.optimizer.scalars }
  for (const [key, length] of Object.entries(manifest.optimizer.buffers)) {
    optimizerState[key] = Array.from({ length }, (_, i) => {
      const tensor = tensors.get(`optimizer.${key}.${i}`)
      if (tensor?.dtype !== 'F32') throw new Error(`${path} is damaged: optimizer state "${key}" ${i} is missing`)
      return tensor.data
    })
  }
  const history = { batchLosses: series('history.batch_losses'), learningRates: series('history.learning_rates'), epochs: manifest.training.epochs }
  if (history.batchLosses.length !== history.learningRates.length) throw new Error(`${path} is damaged: its loss and learning-rate histories differ in length`)
  return { manifest, config: manifest.config, modelState, optimizerState, history }
}

/** Every optimizer buffer list has one entry per parameter, of its size (or empty: momentum not started). */
function checkOptimizerState(learner: Learner, state: OpenedProject['optimizerState']): void {
  const params = learner.opt.params
  for (const [key, value] of Object.entries(state)) {
    if (typeof value === 'number') continue
    const fits = value.length === params.length && value.every((buffer, i) => buffer.length === 0 || buffer.length === params[i].size)
    if (!fits) throw new Error(`the project's optimizer state "${key}" does not fit the model's ${params.length} parameters`)
  }
}

/**
 * Rebuild a project's learner on its dataset (which must be the same data: its fingerprint is
 * checked) with the weights, optimizer state, learning rate, shuffle state and history it was saved
 * with. `fit(n)` then continues the run; the recorder's curves continue where they stopped.
 */
export function resumeLearner(project: OpenedProject, dataset: DigitDataset, callbacks: readonly LearnerCallback[] = []): Learner {
  const { manifest } = project
  if (datasetFingerprint(dataset) !== manifest.dataset.fingerprint) {
    throw new Error(`the data at ${manifest.dataset.source} is not the data this project was trained on (its images or labels changed); open the original data to continue`)
  }
  const learner = createLearner(dataset, project.config, callbacks)
  learner.model.loadStateDict(project.modelState)
  checkOptimizerState(learner, project.optimizerState)
  learner.opt.loadState(project.optimizerState)
  learner.opt.lr = manifest.training.lr
  if (manifest.training.momentum !== undefined) learner.opt.momentum = manifest.training.momentum
  learner.dls.train.loadState(manifest.training.trainLoader)
  const { recorder } = learner
  for (let i = 0; i < project.history.batchLosses.length; i++) recorder.recordBatch(project.history.batchLosses[i], project.history.learningRates[i])
  for (const record of project.history.epochs) recorder.recordEpoch(record)
  return learner
}
