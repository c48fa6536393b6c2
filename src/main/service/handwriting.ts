import { readRawSplit } from '../datasets/builtin'
import type { Drawings } from '../datasets/drawings'
import type { DigitDataset } from '../engine/data/dataset'
import { FINE_TUNE_DEFAULTS } from '../engine/learner/plan'
import { loadStartingPoint } from '../engine/pretrained/starting-points'
import { headPrefix, matchLabels, type StartWeights } from '../engine/pretrained/transfer'
import { Random } from '../engine/random'
import { defaultTrainingConfig, type Start, type TrainingConfig } from '../../shared/training'
import type { TrainedModel } from './trained-model'

/** The ten digits, in the order of MNIST's head: a model taught one's handwriting keeps reading all of them. */
export const DIGITS: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']

// NOTE: chosen by measurement (docs/FINE_TUNING.md, "Your handwriting"): 15 drawings of 3 styles, scored on 15 unseen
// drawings of the same styles and on MNIST's 10,000 test digits.
/** How a handwriting fine-tune runs (`Rehearsal` says how it mixes in MNIST), in batches of 32, about `steps` steps. */
export const HANDWRITING = { perClass: 150, drawnShare: 0.5, batchSize: 32, steps: 120, lr: 3e-3, augment: false, seed: 42 } as const

/** Where a handwriting fine-tune starts: the weights, how they are named, and why not the model in use when it is not. */
export interface HandwritingStart {
  readonly weights: StartWeights
  readonly start: Start
  /** Why the current model could not be the start (absent when it is). */
  readonly note: string | null
}

/**
 * The model Draw uses, when it can learn one's handwriting (a model trained here, reading all ten digits, with a final
 * linear layer); otherwise the built-in MNIST CNN, with the reason.
 */
export function handwritingStart(current: TrainedModel | null, openedFile: boolean): HandwritingStart {
  let note: string | null = openedFile ? 'the model in use is an opened .onnx file, which Digit Lab cannot train' : null
  if (current) {
    const labels = current.dataset.labelNames
    const rows = matchLabels(labels, DIGITS)
    let head = true
    try {
      headPrefix(current.model)
    } catch {
      head = false
    }
    if (rows && head && labels.length === DIGITS.length) {
      const name = `the ${current.config.model.kind} in use (trained on ${current.dataset.name})`
      return { weights: { name, model: current.config.model, labelNames: labels, state: current.model.stateDict() }, start: { kind: 'model', name }, note: null }
    }
    note = rows ? `the model in use (${current.config.model.kind}) has no output layer to fine-tune` : `the model in use reads ${labels.join(', ')}, not all ten digits`
  }
  const { manifest, state } = loadStartingPoint('mnist-cnn')
  const weights = { name: manifest.name, model: manifest.model, labelNames: manifest.labelNames, state }
  return { weights, start: { kind: 'pretrained', id: 'mnist-cnn' }, note: note && `${note}, so this starts from ${manifest.name}` }
}

/** How a handwriting fine-tune mixes the drawings with MNIST's training digits. */
export interface Rehearsal {
  /** Training images of each digit an epoch: every digit equally often, so the model's prior stays even. */
  readonly perClass: number
  /** The share of a drawn digit's images that are the drawings (repeated), the rest MNIST's of that digit. */
  readonly drawnShare: number
  readonly seed: number
}

/**
 * What a handwriting fine-tune trains on: `perClass` images of each digit 0–9, MNIST training digits drawn by the seed,
 * where a digit with drawings has them repeated to `drawnShare` of its images — so every batch rehearses what MNIST
 * taught (the model does not forget it) and no digit becomes more likely than another. Validated on the drawings.
 */
export function handwritingDataset(drawings: Drawings, rehearsal: Rehearsal = HANDWRITING): DigitDataset {
  const mnist = readRawSplit('train')
  const order = new Random(rehearsal.seed).permutation(mnist.digits.length)
  const rows: { pixels: Uint8Array; digit: number }[] = []
  for (let digit = 0; digit < 10; digit++) {
    const own = Array.from(drawings.digits.keys()).filter((i) => drawings.digits[i] === digit)
    const repeats = own.length > 0 ? Math.max(1, Math.round((rehearsal.perClass * rehearsal.drawnShare) / own.length)) : 0
    for (let r = 0; r < repeats; r++) for (const i of own) rows.push({ pixels: drawings.pixels.subarray(i * 784, (i + 1) * 784), digit })
    let wanted = Math.max(0, rehearsal.perClass - own.length * repeats)
    for (let k = 0; k < order.length && wanted > 0; k++) {
      const source = order[k]
      if (mnist.digits[source] !== digit) continue
      rows.push({ pixels: mnist.pixels.subarray(source * 784, (source + 1) * 784), digit })
      wanted--
    }
  }
  const pixels = new Uint8Array(rows.length * 784)
  const labels = new Int32Array(rows.length)
  rows.forEach((row, i) => (pixels.set(row.pixels, i * 784), (labels[i] = row.digit)))
  return {
    name: 'my handwriting',
    labelNames: DIGITS,
    height: 28,
    width: 28,
    train: { pixels, labels, count: rows.length },
    valid: { pixels: drawings.pixels.slice(), labels: drawings.digits.slice(), count: drawings.count },
  }
}

/**
 * fastai's `fine_tune` from `start` for about `steps` optimizer steps: statistics frozen, one epoch in five training the
 * head only. NOTE: without augmentation — measured, it kept MNIST better and read unseen drawings as well (FINE_TUNING.md).
 */
export function handwritingConfig(start: HandwritingStart, trainImages: number, steps: number = HANDWRITING.steps): TrainingConfig {
  const base = defaultTrainingConfig('cnn', 10)
  const batchSize = HANDWRITING.batchSize
  const epochs = Math.max(2, Math.round(steps / Math.ceil(trainImages / batchSize)))
  return {
    ...base,
    model: start.weights.model,
    epochs,
    batchSize,
    lr: HANDWRITING.lr,
    seed: HANDWRITING.seed,
    augment: HANDWRITING.augment,
    start: start.start,
    fineTune: { freezeEpochs: Math.max(1, Math.round(epochs / 5)), lrMult: FINE_TUNE_DEFAULTS.lrMult, bn: FINE_TUNE_DEFAULTS.bn },
  }
}
