import * as v from 'valibot'
import { ModelSpecSchema, defaultModelSpec, type ModelKind } from './models'

/** Loss functions: the chapter's sigmoid `mnistLoss` (two classes, one logit) or softmax cross-entropy. */
export const LOSS_KINDS = ['mnist', 'ce'] as const
export const OPTIMIZER_KINDS = ['sgd', 'adam'] as const
/** How the learning rate moves during a run: fixed, or fastai's one-cycle (warm-up then cosine annealing, `lr` as the peak). */
export const SCHEDULE_KINDS = ['constant', 'one-cycle'] as const
export type LossKind = (typeof LOSS_KINDS)[number]
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number]
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number]

/** What a run in progress (training or a learning-rate sweep) refuses: main says it, and the page before uploading anything. */
export const runInProgress = (instead: 'starting another' | 'opening a project' | 'opening another dataset' | 'correcting the data'): string => `a training run is in progress; stop it before ${instead}`

/** The most threads the engine computes on (its GEMM's limit); a run asks for at most its computer's cores. */
export const MAX_TRAINING_THREADS = 8

const count = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max))
const positive = v.pipe(v.number(), v.finite(), v.gtValue(0))

/** The built-in starting points: digit models Digit Lab's engine trained on MNIST (src/main/engine/pretrained/). */
export const STARTING_POINT_IDS = ['mnist-cnn'] as const
export type StartingPointId = (typeof STARTING_POINT_IDS)[number]

/**
 * Where a run's weights start: drawn from the seed (`scratch`, also when absent), a built-in starting point, or
 * the model of a saved project (its file named for the record; the weights travel with the run, not the path).
 */
export const StartSchema = v.variant('kind', [
  v.object({ kind: v.literal('scratch') }),
  v.object({ kind: v.literal('pretrained'), id: v.picklist(STARTING_POINT_IDS) }),
  v.object({ kind: v.literal('project'), path: v.pipe(v.string(), v.maxLength(4096)) }),
  /** The model Draw was using (a handwriting fine-tune): named for the record, its weights sent with the run. */
  v.object({ kind: v.literal('model'), name: v.pipe(v.string(), v.maxLength(200)) }),
])
export type Start = v.InferOutput<typeof StartSchema>

/**
 * fastai's `fine_tune`: the first `freezeEpochs` train the head alone (one cycle peaking at `lr`), the rest
 * train every layer (one cycle peaking at lr/2), the first layers at 1/`lrMult` of the head's rate.
 * Batch norm: `train` lets its weights and statistics learn throughout (fastai's train_bn); `frozen` keeps
 * the starting point's statistics (eval mode) for the whole run.
 */
export const FineTuneSchema = v.object({
  freezeEpochs: count(0, 10_000),
  lrMult: v.pipe(v.number(), v.finite(), v.minValue(1)),
  bn: v.picklist(['train', 'frozen']),
})
export type FineTune = v.InferOutput<typeof FineTuneSchema>

/** Everything that decides a training run; the same config and seed give the same losses, bit for bit. */
/** Whose kernels a run computes with (the engine's `KernelProvider`s). */
export const KERNEL_KINDS = ['native', 'wasm', 'reference'] as const

export const TrainingConfigSchema = v.object({
  model: ModelSpecSchema,
  loss: v.picklist(LOSS_KINDS),
  optimizer: v.picklist(OPTIMIZER_KINDS),
  epochs: count(0, 10_000),
  lr: positive,
  batchSize: count(1, 65_536),
  seed: count(0, 2 ** 32 - 1),
  momentum: v.pipe(v.number(), v.minValue(0), v.ltValue(1)),
  weightDecay: v.pipe(v.number(), v.finite(), v.minValue(0)),
  shuffle: v.boolean(),
  schedule: v.picklist(SCHEDULE_KINDS),
  /** Small random affine changes (rotation ±10°, shift ±2 px, scale ±10%) to training images only. */
  augment: v.boolean(),
  /** The augmentation's ranges when they are not the defaults above (a starting point's recipe widens them). */
  augmentation: v.optional(v.object({
    maxRotate: v.pipe(v.number(), v.minValue(0), v.maxValue(45)),
    maxShift: v.pipe(v.number(), v.minValue(0), v.maxValue(14)),
    scaleRange: v.tuple([v.pipe(v.number(), v.gtValue(0), v.maxValue(1)), v.pipe(v.number(), v.minValue(1), v.maxValue(2))]),
  })),
  /** Clip the gradients' global norm to this before each step; null for no clipping. */
  gradClip: v.nullable(positive),
  /**
   * How many threads the engine computes on (1..this computer's cores; a count above them is taken as all of
   * them); absent: all. With the WebAssembly kernels every count gives the same bits; with the native ones a
   * count gives its own (each the same run after run).
   */
  threads: v.optional(count(1, MAX_TRAINING_THREADS)),
  /**
   * Whose kernels compute: `native` (onnxruntime's MLAS at the CPU's full vector width), `wasm` (our WebAssembly
   * SIMD: the bits of earlier releases, the same for every thread count) or `reference`; absent: the engine's
   * default (native where it loads, or as DIGIT_LAB_KERNELS says).
   */
  kernels: v.optional(v.picklist(KERNEL_KINDS)),
  /** Where the weights start (absent: scratch, as every run before starting points existed). */
  start: v.optional(StartSchema),
  /** Train as fastai's `fine_tune` (a run from a starting point); absent: `schedule` over every layer. */
  fineTune: v.optional(FineTuneSchema),
})

export type TrainingConfig = v.InferOutput<typeof TrainingConfigSchema>

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
    schedule: 'constant',
    augment: false,
    gradClip: null,
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
    case 'cnn':
      return { ...base, loss: 'ce', optimizer: 'adam', schedule: 'one-cycle', epochs: 3, lr: 0.01, weightDecay: 0.01, batchSize: 128 }
    case 'resnet18':
      return { ...base, loss: 'ce', optimizer: 'adam', schedule: 'one-cycle', epochs: 1, lr: 0.1, weightDecay: 0.01, batchSize: 64 }
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
  | { readonly kind: 'lr-find-step'; readonly iteration: number; readonly iterations: number; readonly lr: number; readonly loss: number }
  | {
      readonly kind: 'finished'
      readonly status: RunStatus
      readonly epochsDone: number
      readonly message: string
      /** Validation loss and metrics of the model as the run left it (null after a crash or a finder sweep). */
      readonly validation: ValidationSummary | null
      /** A run from a starting point: the starting point's, on the same validation images, before training. */
      readonly before?: ValidationSummary | null
      /** A handwriting fine-tune: accuracy on MNIST's test digits before and after. */
      readonly reference?: ReferenceScore | null
      /** Plain warnings about the result: below the starting point, or validation loss rose. */
      readonly warnings?: readonly { readonly kind: string; readonly message: string }[]
    }

/** Accuracy on images a run does not train on (MNIST's test digits), before and after it: what it forgot. */
export interface ReferenceScore {
  readonly name: string
  readonly images: number
  readonly before: number
  /** Null when the run did not complete (its model is not kept). */
  readonly after: number | null
}

/** Loss and metrics on the validation split. */
export interface ValidationSummary {
  readonly loss: number
  readonly metrics: Readonly<Record<string, number>>
}

/** What a worker does with a config: train it, or sweep learning rates to suggest one. */
export type RunTask = 'train' | 'lr-find'
