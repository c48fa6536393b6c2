import type { DigitDataset } from '../engine/data/dataset'
import type { Learner, LearnerCallback } from '../engine/learner/learner'
import { PRODUCER, PRODUCER_VERSION } from '../producer'
import type { RunRecord } from '../../shared/runs'
import type { TrainingConfig } from '../../shared/training'
import { removeStaleTemporaries } from './atomic-write'
import { restoreLearner, snapshotLearner, type LearnerSnapshot } from './learner-snapshot'
import { datasetFingerprint, readProject, writeProject, type ProjectData } from './project'
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
export interface OpenedProject extends LearnerSnapshot {
  readonly manifest: ProjectManifest
}

const f32 = (data: Float32Array, shape: readonly number[] = [data.length]): StoredTensor => ({ dtype: 'F32', shape, data })
const f64 = (values: readonly number[]): StoredTensor => ({ dtype: 'F64', shape: [values.length], data: Float64Array.from(values) })

/** The snapshot's tensors: weights (`model.*`), optimizer buffers (`optimizer.<key>.<i>`), history (`history.*`). */
function snapshotTensors(snapshot: LearnerSnapshot): { tensors: Map<string, StoredTensor>; optimizer: Pick<ProjectManifest['optimizer'], 'scalars' | 'buffers'> } {
  const tensors = new Map<string, StoredTensor>()
  for (const [name, data] of Object.entries(snapshot.modelState)) tensors.set(`model.${name}`, f32(data, snapshot.modelShapes[name]))
  const scalars: Record<string, number> = {}
  const buffers: Record<string, number> = {}
  for (const [key, value] of Object.entries(snapshot.optimizerState)) {
    if (typeof value === 'number') scalars[key] = value
    else {
      buffers[key] = value.length
      value.forEach((buffer, i) => tensors.set(`optimizer.${key}.${i}`, f32(buffer)))
    }
  }
  tensors.set('history.batch_losses', f64(snapshot.history.batchLosses))
  tensors.set('history.learning_rates', f64(snapshot.history.learningRates))
  return { tensors, optimizer: { scalars, buffers } }
}

/** How a project records the data it was trained on: where to open it again, its shape, and its fingerprint. */
export function datasetEntry(dataset: DigitDataset, reference: DatasetReference, fingerprint = datasetFingerprint(dataset)): ProjectManifest['dataset'] {
  return {
    source: reference.source,
    split: reference.split,
    name: dataset.name,
    labelNames: [...dataset.labelNames],
    height: dataset.height,
    width: dataset.width,
    counts: { train: dataset.train.count, valid: dataset.valid.count },
    fingerprint,
  }
}

/** A snapshot of a run and the entry of the data it was trained on, as the contents of a project file. */
export function snapshotProject(snapshot: LearnerSnapshot, dataset: ProjectManifest['dataset'], runs: readonly RunRecord[] = []): ProjectData {
  const { tensors, optimizer } = snapshotTensors(snapshot)
  const manifest: ProjectManifest = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    producer: { name: PRODUCER, version: PRODUCER_VERSION },
    savedAt: new Date().toISOString(),
    dataset,
    config: snapshot.config,
    training: { ...snapshot.training, epochs: snapshot.history.epochs, epochEnds: snapshot.history.epochEnds },
    optimizer: { kind: snapshot.config.optimizer, ...optimizer },
    ...(runs.length > 0 ? { runs: runs.map((run) => ({ ...run, batchLosses: [...run.batchLosses], epochs: [...run.epochs], epochEnds: [...run.epochEnds] })) } : {}),
    tensors: {},
  }
  return { manifest, tensors }
}

/**
 * Save a snapshot of a run as a project, to one file, atomically. Hidden temporaries an earlier
 * save left beside it (a hard kill mid-write; they are never read) are removed first.
 */
export async function saveSnapshot(path: string, snapshot: LearnerSnapshot, dataset: ProjectManifest['dataset'], runs: readonly RunRecord[] = []): Promise<number> {
  await removeStaleTemporaries(path)
  return writeProject(path, snapshotProject(snapshot, dataset, runs))
}

/**
 * Save a training project — architecture and config, weights, optimizer state, loss history,
 * the training loader's shuffle state, and which data (with its fingerprint) — to one file, atomically.
 * Saved between epochs, reopening and training on gives the losses of a run never interrupted.
 */
export async function saveProject(path: string, source: ProjectSource): Promise<number> {
  return saveSnapshot(path, snapshotLearner(source.learner, source.config), datasetEntry(source.dataset, source.reference))
}

/**
 * Where each epoch of a project ended, in batches: as saved, or — in a file from before they were
 * saved — every epoch a full pass of the training split.
 */
function epochEnds(manifest: ProjectManifest, batches: number, path: string): number[] {
  const { epochs, epochEnds: saved } = manifest.training
  if (!saved) {
    const perEpoch = Math.ceil(manifest.dataset.counts.train / manifest.config.batchSize)
    return epochs.map((_, i) => Math.min(batches, (i + 1) * perEpoch))
  }
  const ordered = saved.every((end, i) => end >= (saved[i - 1] ?? 0) && end <= batches)
  if (saved.length !== epochs.length || !ordered) throw new Error(`${path} is damaged: where its epochs ended does not match its history`)
  return saved
}

/** Read a project and sort its tensors back into weights, optimizer state and history. */
export async function openProject(path: string): Promise<OpenedProject> {
  await removeStaleTemporaries(path)
  const { manifest, tensors } = await readProject(path)
  const series = (name: string): number[] => {
    const tensor = tensors.get(name)
    if (tensor?.dtype !== 'F64') throw new Error(`${path} is damaged: its ${name.replace('history.', '').replace('_', ' ')} are missing`)
    return Array.from(tensor.data)
  }
  const modelState: Record<string, Float32Array> = {}
  const modelShapes: Record<string, readonly number[]> = {}
  for (const [name, tensor] of tensors) {
    if (!name.startsWith('model.') || tensor.dtype !== 'F32') continue
    modelState[name.slice('model.'.length)] = tensor.data
    modelShapes[name.slice('model.'.length)] = tensor.shape
  }
  const optimizerState: Record<string, Float32Array[] | number> = { ...manifest.optimizer.scalars }
  for (const [key, length] of Object.entries(manifest.optimizer.buffers)) {
    optimizerState[key] = Array.from({ length }, (_, i) => {
      const tensor = tensors.get(`optimizer.${key}.${i}`)
      if (tensor?.dtype !== 'F32') throw new Error(`${path} is damaged: optimizer state "${key}" ${i} is missing`)
      return tensor.data
    })
  }
  const batchLosses = series('history.batch_losses')
  const history = { batchLosses, learningRates: series('history.learning_rates'), epochs: manifest.training.epochs, epochEnds: epochEnds(manifest, batchLosses.length, path) }
  if (history.batchLosses.length !== history.learningRates.length) throw new Error(`${path} is damaged: its loss and learning-rate histories differ in length`)
  return { manifest, config: manifest.config, modelState, modelShapes, optimizerState, history, training: manifest.training }
}

/** A dataset that is not the one a project was trained on is refused, with what to do instead. */
export function checkProjectData(manifest: ProjectManifest, fingerprint: string): void {
  if (fingerprint !== manifest.dataset.fingerprint) {
    throw new Error(`the data at ${manifest.dataset.source} is not the data this project was trained on (its images or labels changed); open the original data to continue`)
  }
}

/**
 * Rebuild a project's learner on its dataset (which must be the same data: its fingerprint is
 * checked) with the weights, optimizer state, learning rate, shuffle state and history it was saved
 * with. `fit(n)` then continues the run; the recorder's curves continue where they stopped.
 */
export function resumeLearner(project: OpenedProject, dataset: DigitDataset, callbacks: readonly LearnerCallback[] = []): Learner {
  checkProjectData(project.manifest, datasetFingerprint(dataset))
  return restoreLearner({ ...project, training: project.manifest.training }, dataset, callbacks)
}
