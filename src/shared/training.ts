import { defaultModelSpec, type ModelKind, type ModelSpec } from './models'

/** Loss functions: the chapter's sigmoid `mnistLoss` (two classes, one logit) or softmax cross-entropy. */
export type LossKind = 'mnist' | 'ce'
export type OptimizerKind = 'sgd' | 'adam'

/** Everything that decides a training run; the same config and seed give the same losses, bit for bit. */
export interface TrainingConfig {
  readonly model: ModelSpec
  readonly loss: LossKind
  readonly optimizer: OptimizerKind
  readonly epochs: number
  readonly lr: number
  readonly batchSize: number
  readonly seed: number
  readonly momentum: number
  readonly weightDecay: number
  readonly shuffle: boolean
}

/**
 * Settings that reproduce the chapter on two classes (mnistLoss, plain SGD: linear lr 1.0 for 20
 * epochs, simple_net lr 0.1 for 40) and train well on more classes (cross-entropy).
 */
export function defaultTrainingConfig(kind: ModelKind, classCount: number): TrainingConfig {
  const binary = classCount === 2
  const base = {
    model: defaultModelSpec(kind),
    loss: binary ? 'mnist' : 'ce',
    optimizer: 'sgd',
    batchSize: 256,
    seed: 42,
    momentum: 0,
    weightDecay: 0,
    shuffle: true,
  } as const
  switch (kind) {
    case 'pixel':
      return { ...base, loss: 'ce', epochs: 0, lr: 1 }
    case 'linear':
      return binary ? { ...base, epochs: 20, lr: 1 } : { ...base, model: { kind, init: 'pytorch' }, epochs: 10, lr: 0.5 }
    case 'simple_net':
      return { ...base, epochs: binary ? 40 : 10, lr: binary ? 0.1 : 0.5 }
    case 'mlp':
      return { ...base, epochs: 5, lr: 0.1, momentum: 0.9, batchSize: 128 }
  }
}

/** One row of the fastai-style epoch table. */
export interface EpochRecord {
  readonly epoch: number
  readonly trainLoss: number
  readonly validLoss: number
  readonly metrics: Readonly<Record<string, number>>
  readonly seconds: number
}

/** How a training run ended. */
export type RunStatus = 'completed' | 'stopped' | 'diverged' | 'crashed'

/**
 * What a running training reports, in order: `progress` (throttled, carrying every batch loss
 * since the previous one so a chart misses none), `epoch` after each epoch, and one `finished`.
 */
export type TrainingEvent =
  | {
      readonly kind: 'progress'
      readonly epoch: number
      readonly epochs: number
      readonly batch: number
      readonly batches: number
      readonly losses: readonly number[]
      readonly lr: number
      readonly imagesPerSecond: number
      readonly etaSeconds: number
    }
  | { readonly kind: 'epoch'; readonly record: EpochRecord }
  | { readonly kind: 'finished'; readonly status: RunStatus; readonly epochsDone: number; readonly message: string }
