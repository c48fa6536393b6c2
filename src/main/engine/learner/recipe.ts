import type { TrainingConfig } from '../../../shared/training'
import { RandomAffine } from '../data/augment'
import { DataLoader } from '../data/dataloader'
import { ImageDataset, type DigitDataset } from '../data/dataset'
import { createModel } from '../models/zoo'
import { crossEntropy, mnistLoss } from '../ops/loss'
import { Adam } from '../optim/adam'
import type { OptimizerFactory } from '../optim/optimizer'
import { SGD } from '../optim/sgd'
import { Random } from '../random'
import { loadStartingPoint } from '../pretrained/starting-points'
import { headPrefix, transferWeights, type StartWeights } from '../pretrained/transfer'
import { fineTuneScheduler } from './fine-tune'
import { Learner, type FitResult, type LearnerCallback } from './learner'
import { accuracy, batchAccuracy } from './metrics'

/** Check a config against a dataset before anything is built, naming what is wrong. */
export function validateConfig(config: TrainingConfig, dataset: DigitDataset): void {
  const classes = dataset.labelNames.length
  if (config.loss === 'mnist' && classes !== 2) {
    throw new Error(`the mnist loss (one sigmoid output) needs exactly 2 classes; this dataset has ${classes}: use --loss ce`)
  }
  if (config.model.kind === 'pixel' && config.loss !== 'ce') {
    throw new Error('pixel similarity scores every class by its distance; it is evaluated with --loss ce')
  }
  if (!Number.isInteger(config.epochs) || config.epochs < 0) throw new Error(`epochs must be a whole number ≥ 0, got ${config.epochs}`)
  if (!(config.lr > 0)) throw new Error(`learning rate must be > 0, got ${config.lr}`)
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new Error(`batch size must be a whole number ≥ 1, got ${config.batchSize}`)
  if (dataset.train.count === 0 || dataset.valid.count === 0) throw new Error('the dataset needs images in both its training and validation splits')
  if ((config.start?.kind ?? 'scratch') !== 'scratch' && config.loss !== 'ce') {
    throw new Error('a run from a starting point scores every class with its own output: use --loss ce')
  }
}

/**
 * The weights a config starts from: none for scratch, a built-in starting point by its id (read here). A project
 * start's weights are read by the caller and given to `createLearner`.
 */
export function startWeights(config: TrainingConfig): StartWeights | null {
  const start = config.start ?? { kind: 'scratch' }
  if (start.kind === 'scratch') return null
  if (start.kind === 'project') throw new Error(`a run from the project ${start.path} needs that project's weights`)
  if (start.kind === 'model') throw new Error(`a run from ${start.name} needs that model's weights`)
  const { manifest, state } = loadStartingPoint(start.id)
  return { name: manifest.name, model: manifest.model, labelNames: manifest.labelNames, state }
}

/** SGD as PyTorch's; Adam with fastai's defaults (β = (0.9, 0.99), ε = 1e-5) and decoupled weight decay (AdamW). */
function optimizerFactory(config: TrainingConfig): OptimizerFactory {
  return config.optimizer === 'adam'
    ? (params, lr) => new Adam(params, lr, { betas: [0.9, 0.99], eps: 1e-5, weightDecay: config.weightDecay, decoupled: true })
    : (params, lr) => new SGD(params, lr, { momentum: config.momentum, weightDecay: config.weightDecay })
}

/**
 * A Learner for a dataset and config: the model (initialised from the seed, then loaded with the config's
 * start: `start` gives its weights, null skips them — a run restored from a snapshot has its own), loaders
 * (training shuffled, and augmented when asked, from the seed), loss, optimizer and metric. Same inputs,
 * same learner, bit for bit.
 */
export function createLearner(dataset: DigitDataset, config: TrainingConfig, callbacks: readonly LearnerCallback[] = [], start?: StartWeights | null): Learner {
  validateConfig(config, dataset)
  const random = new Random(config.seed)
  const binary = config.loss === 'mnist'
  const targetKind = binary ? 'binary' : 'class'
  const model = createModel(config.model, dataset, binary ? 1 : dataset.labelNames.length, random.fork())
  // NOTE: the model is built (and its fresh head drawn) from the seed first, so a start changes no other draw.
  const weights = start === undefined ? startWeights(config) : start
  if (weights) transferWeights(model, config.model, dataset.labelNames, weights)
  const shuffleSeed = random.nextUint32()
  // NOTE: drawn after the shuffle seed, so turning augmentation on leaves weights and batch order unchanged.
  const augment = config.augment ? new RandomAffine(random.fork(), config.augmentation ?? {}) : null
  const dls = {
    train: new DataLoader(new ImageDataset(dataset.train, dataset.height, dataset.width, targetKind, augment), {
      batchSize: config.batchSize,
      shuffle: config.shuffle,
      seed: shuffleSeed,
    }),
    valid: new DataLoader(new ImageDataset(dataset.valid, dataset.height, dataset.width, targetKind), { batchSize: config.batchSize }),
  }
  return new Learner(dls, model, {
    lossFunc: binary ? mnistLoss : crossEntropy,
    optFunc: optimizerFactory(config),
    metrics: [binary ? batchAccuracy : accuracy],
    callbacks,
    lr: config.lr,
    gradClip: config.gradClip ?? undefined,
  })
}

/** Train as the config says: fastai's `fine_tune` when it asks for one, else `epochs` at a constant `lr`, or one cycle peaking at `lr`. */
export function fitFromConfig(learner: Learner, config: TrainingConfig, signal?: AbortSignal): Promise<FitResult> {
  if (config.fineTune) return learner.fit(config.epochs, undefined, signal, [fineTuneScheduler(learner, config.epochs, config.lr, config.fineTune, headPrefix(learner.model))])
  return config.schedule === 'one-cycle'
    ? learner.fitOneCycle(config.epochs, config.lr, { signal })
    : learner.fit(config.epochs, config.lr, signal)
}
