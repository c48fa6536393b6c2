import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { isBuiltinDataset, loadBuiltinDataset } from '../datasets/builtin'
import { noGrad } from '../engine/autograd'
import { ImageDataset, type DigitDataset } from '../engine/data/dataset'
import type { Module } from '../engine/nn/module'
import { verifiedOnnx } from '../onnx/export'
import { PRODUCER_VERSION } from '../producer'
import type { ParityReport } from '../onnx/parity'
import { TrainedModel } from '../service/trained-model'
import type { LearnerSnapshot } from '../storage/learner-snapshot'
import { datasetFingerprint } from '../storage/project'
import { encodeSafetensors, type StoredTensor } from '../storage/safetensors'
import { modelCode } from './model-code'
import { copyMnistFiles, readingOrder, writeImageFolders } from './project-data'
import { fill, renderTrainPy } from './render'
import { CHECK_PY } from './templates/check-py'
import { README_MD, REQUIREMENTS_TXT } from './templates/readme-md'

/** A run to export: its snapshot (config, weights, history), the data it trained on, and that data's name or path. */
export interface PytorchExportSource {
  readonly snapshot: Pick<LearnerSnapshot, 'config' | 'modelState' | 'history' | 'training'>
  readonly dataset: DigitDataset
  readonly source: string
}

/** What an export wrote. */
export interface PytorchExportResult {
  readonly dir: string
  /** Images written as PNG files (0 for the built-in samples, whose MNIST files are copied). */
  readonly images: number
  /** Validation images whose engine logits reference-logits.safetensors holds. */
  readonly referenceImages: number
  /** onnxruntime on model.onnx against the engine, as every ONNX export proves. */
  readonly onnxParity: ParityReport
}

/** Validation images the check compares at most, spread over the split. */
const REFERENCE_IMAGES = 2000

/** The model's parameters and buffers under PyTorch's names (batch norm's running_mean / running_var). */
export function torchState(model: Module): Map<string, StoredTensor> {
  const tensors = [...model.namedParameters(), ...model.namedBuffers()]
  const torchName = (name: string): string => name.replace(/\.runningMean$/, '.running_mean').replace(/\.runningVar$/, '.running_var')
  return new Map(tensors.map(([name, t]) => [torchName(name), { dtype: 'F32', shape: [...t.shape], data: t.data.slice() }]))
}

/** The engine's logits on up to 2,000 validation images, with their rows in train.py's reading order. */
function referenceLogits(model: Module, dataset: DigitDataset): Map<string, StoredTensor> {
  const order = readingOrder(dataset.valid, dataset.labelNames.length)
  const count = Math.min(order.length, REFERENCE_IMAGES)
  const rows = Int32Array.from({ length: count }, (_, i) => Math.floor((i * order.length) / count))
  const images = new ImageDataset(dataset.valid, dataset.height, dataset.width, 'class')
  model.eval()
  const chunks: Float32Array[] = []
  for (let start = 0; start < count; start += 256) {
    const { x } = images.batch(Int32Array.from(rows.subarray(start, start + 256), (row) => order[row]))
    chunks.push(Float32Array.from(noGrad(() => model.forward(x)).data))
  }
  const logits = Float32Array.from(chunks.flatMap((chunk) => [...chunk]))
  return new Map<string, StoredTensor>([
    ['rows', { dtype: 'F32', shape: [count], data: Float32Array.from(rows) }],
    ['logits', { dtype: 'F32', shape: [count, logits.length / Math.max(1, count)], data: logits }],
  ])
}

/**
 * Whether the run's data is a built-in sample exactly as it ships, so that MNIST's own files carry it: one with
 * corrections (relabelled or left-out images) is written as image folders instead, its labels as the run used them.
 */
function asShipped(source: string, dataset: DigitDataset): boolean {
  return isBuiltinDataset(source) && datasetFingerprint(dataset) === datasetFingerprint(loadBuiltinDataset(source))
}

/** Refuse a folder that holds anything: an export never mixes with or overwrites what is there. */
async function checkTarget(dir: string): Promise<void> {
  if (!existsSync(dir)) return
  const entries = await readdir(dir).catch(() => null)
  if (entries === null) throw new Error(`${dir} exists and is not a folder: choose a new folder for the PyTorch project`)
  if (entries.length > 0) throw new Error(`${dir} is not empty: choose a new (or empty) folder for the PyTorch project; nothing was written`)
}

/** The run in a few words: "simple_net on mnist-sample, 40 epochs". */
function describe(source: PytorchExportSource): string {
  return `${source.snapshot.config.model.kind} on ${isBuiltinDataset(source.source) ? source.source : basename(source.source)}`
}

/**
 * Write a run as a plain PyTorch project in `dir` (new or empty): train.py, its data (MNIST's IDX files for the
 * built-in samples, else ImageFolder PNGs of the exact split), weights.safetensors, reference logits, model.onnx,
 * check.py, README.md and requirements.txt. It is written beside `dir` and renamed into place at the end, so a
 * failed export leaves no half-written project.
 */
export async function exportPytorchProject(dir: string, source: PytorchExportSource, onProgress?: (done: number, total: number) => void): Promise<PytorchExportResult> {
  const { config, modelState, training, history } = source.snapshot
  if (config.model.kind === 'pixel') throw new Error('pixel similarity is not trained by gradient descent: there is no training to export to PyTorch')
  const { dataset } = source
  if (dataset.train.count === 0 || dataset.valid.count === 0) throw new Error('the run\'s data is not open: open it to export the project with its images')
  await checkTarget(dir)
  const accuracy = Object.values(history.epochs.at(-1)?.metrics ?? {})[0] ?? null
  const trained = TrainedModel.fromState(config, dataset, source.source, modelState, training.epochsDone, accuracy)
  const builtin = isBuiltinDataset(source.source)
  const idx = asShipped(source.source, dataset)
  const outputs = config.loss === 'mnist' ? 1 : dataset.labelNames.length
  const { bytes: onnx, parity } = await verifiedOnnx(trained.exportSource(builtin), dataset.valid)
  const title = `${describe(source)}: a Digit Lab run as a PyTorch project`
  const temp = join(dirname(dir), `.${basename(dir)}.partial-${process.pid}`)
  await rm(temp, { recursive: true, force: true })
  try {
    await mkdir(temp, { recursive: true })
    const images = idx ? (await copyMnistFiles(join(temp, 'data')), 0) : await writeImageFolders(join(temp, 'data'), dataset, onProgress)
    const reference = referenceLogits(trained.model, dataset)
    const script = {
      title, config, labels: dataset.labelNames, data: idx ? 'idx' as const : 'png' as const,
      splits: 'train-* for training, t10k-* for validation',
      modelCode: modelCode(trained.model, config.model, 1, outputs),
    }
    const recipe = `${config.loss === 'mnist' ? 'mnist_loss' : 'cross-entropy'}, ${config.optimizer === 'adam' ? 'AdamW' : 'SGD'} lr ${config.lr}` +
      `${config.schedule === 'one-cycle' ? ' one-cycle' : ''}, batch ${config.batchSize}, ${config.epochs} epochs`
    const files: Record<string, string | Uint8Array> = {
      'train.py': renderTrainPy(script),
      'check.py': fill(CHECK_PY, { IMAGES: String(reference.get('rows')!.shape[0]) }),
      'README.md': fill(README_MD, {
        TITLE: title, VERSION: PRODUCER_VERSION, RECIPE: recipe, BATCH_SIZE: String(config.batchSize),
        EPOCHS_DONE: String(training.epochsDone), ACCURACY: accuracy === null ? 'not measured' : accuracy.toFixed(4),
        DATA: idx
          ? 'MNIST\'s IDX files, from which train.py picks the images of the labels, as Digit Lab does'
          : `the run's images as it saw them (${dataset.height}×${dataset.width} grayscale after import and any corrections: a relabelled image sits under its new label, a left-out one is absent), ImageFolder layout: train/<label>/*.png (${dataset.train.count}), valid/<label>/*.png (${dataset.valid.count})`,
      }),
      'requirements.txt': REQUIREMENTS_TXT,
      'weights.safetensors': encodeSafetensors(torchState(trained.model), { format: 'pt' }),
      'reference-logits.safetensors': encodeSafetensors(reference, { format: 'pt' }),
      'model.onnx': onnx,
    }
    for (const [name, content] of Object.entries(files)) await writeFile(join(temp, name), content)
    if (existsSync(dir)) await rmdir(dir)
    await rename(temp, dir)
    return { dir, images, referenceImages: reference.get('rows')!.shape[0], onnxParity: parity }
  } catch (error) {
    await rm(temp, { recursive: true, force: true })
    throw error
  }
}
