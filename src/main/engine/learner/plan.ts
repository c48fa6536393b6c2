import type { ModelSpec } from '../../../shared/models'
import { defaultTrainingConfig, type TrainingConfig } from '../../../shared/training'
import type { PlanWarning, PlannedStart, StartChoice, TrainingPlan } from '../../../shared/training-plan'
import type { DigitDataset } from '../data/dataset'
import { loadStartingPoint } from '../pretrained/starting-points'
import { matchLabels, type StartWeights } from '../pretrained/transfer'

// NOTE: measured on folders made from MNIST test images (docs/FINE_TUNING.md): fine-tuning settles within
// ~150 optimizer steps, training from scratch needs ~1,000; more only costs time on a small folder.
/** Optimizer steps a run aims for: enough to converge on a small folder. */
export const TARGET_STEPS = { fineTune: 200, scratch: 1000 } as const
/** A planned run is shortened to about this many seconds (its epochs cut, at least one kept). */
export const MAX_PLANNED_SECONDS = 120
/** Fewer optimizer steps than this, and the plan says the model will barely change. */
export const FEW_STEPS = 50
/** A class with fewer training images than this is named in a warning. */
export const FEW_IMAGES = 8
const MAX_EPOCHS = 200

/** fastai's `fine_tune` settings as Digit Lab uses them from a starting point (measured: docs/FINE_TUNING.md). */
export const FINE_TUNE_DEFAULTS = { lr: 1e-3, freshHeadLr: 5e-3, lrMult: 100, bn: 'frozen', augment: true } as const

// NOTE: the default CNN on one core of this machine, quiet (README's benchmark): ~5,400 training images a
// second in batches of 128, less in small batches (a step's fixed cost, ~10 ms), validation ~3× faster. The
// estimate is for display and the time cap; it never depends on the machine, so a plan is the same everywhere.
const SECONDS = { perStep: 0.01, perTrainImage: 1 / 5400, perValidImage: 1 / 16000 } as const

/** Training seconds a CNN run of this size takes here, roughly. */
export function estimateSeconds(steps: number, batchSize: number, epochs: number, validImages: number, threads = 1): number {
  const speedup = threads > 1 ? 1.26 : 1
  return (steps * (SECONDS.perStep + batchSize * SECONDS.perTrainImage) + epochs * validImages * SECONDS.perValidImage) / speedup
}

/** A batch size for `images` training images: about five batches an epoch on a small folder, 16 to 128. */
export function plannedBatchSize(images: number): number {
  const target = Math.max(1, images / 5)
  return Math.min(128, Math.max(16, 2 ** Math.floor(Math.log2(target))))
}

/** The weights a plan would start from, found for the choice (a project's are read by the caller). */
export interface PlanStartInput {
  readonly choice: StartChoice
  /** A project's model, when the choice is a project. */
  readonly project?: StartWeights
  readonly threads?: number
}

/** What a plan starts from: the weights, the choice made of `auto`, and the augmentation the start was trained with. */
interface ResolvedStart {
  readonly weights: StartWeights | null
  readonly choice: StartChoice
  readonly augmentation?: TrainingConfig['augmentation']
}

function resolveStart(dataset: DigitDataset, input: PlanStartInput, warnings: PlanWarning[]): ResolvedStart {
  const { choice } = input
  if (choice.kind === 'scratch') return { weights: null, choice }
  if (choice.kind === 'project') {
    if (!input.project) throw new Error(`the project ${choice.path} must be read before planning a run from it`)
    return { weights: input.project, choice }
  }
  const point = loadStartingPoint(choice.kind === 'pretrained' ? choice.id : 'mnist-cnn')
  const [h, w] = point.manifest.imageSize
  if (dataset.height !== h || dataset.width !== w) {
    const message = `${point.manifest.name} reads ${h}×${w} images; these are ${dataset.height}×${dataset.width}, so this run starts from scratch.`
    if (choice.kind === 'pretrained') throw new Error(message)
    warnings.push({ kind: 'start-unavailable', message })
    return { weights: null, choice: { kind: 'scratch' } }
  }
  const { manifest, state } = point
  const weights = { name: manifest.name, model: manifest.model, labelNames: manifest.labelNames, state }
  return { weights, choice: { kind: 'pretrained', id: manifest.id }, augmentation: manifest.recipe.config.augmentation }
}

function dataWarnings(dataset: DigitDataset, warnings: PlanWarning[]): void {
  const trainCounts = dataset.labelNames.map(() => 0)
  const validCounts = dataset.labelNames.map(() => 0)
  dataset.train.labels.forEach((label) => trainCounts[label]++)
  dataset.valid.labels.forEach((label) => validCounts[label]++)
  dataset.labelNames.forEach((name, c) => {
    if (trainCounts[c] < FEW_IMAGES) {
      warnings.push({ kind: 'small-class', message: `Class "${name}" has only ${trainCounts[c]} training image${trainCounts[c] === 1 ? '' : 's'}: add images to it (10 or more per class) for the model to learn it.` })
    }
    if (validCounts[c] === 0) warnings.push({ kind: 'no-valid-images', message: `Class "${name}" has no validation images, so how well it is learned cannot be measured: add images to it.` })
  })
  if (dataset.valid.count < 30) {
    warnings.push({ kind: 'small-validation', message: `Accuracy is measured on only ${dataset.valid.count} validation images, so it moves in steps of ${(100 / dataset.valid.count).toFixed(1)}%: add images for a steadier measure.` })
  }
}

/**
 * Plan a run for a dataset: the start (`auto`: the MNIST CNN when the images are 28×28), a CNN config whose
 * length comes from the number of images (TARGET_STEPS optimizer steps, capped at about MAX_PLANNED_SECONDS),
 * fastai's fine-tuning from a start, and warnings about the data and the plan, each saying what to do.
 */
export function planTraining(dataset: DigitDataset, input: PlanStartInput): TrainingPlan {
  const warnings: PlanWarning[] = []
  const { weights, choice, augmentation } = resolveStart(dataset, input, warnings)
  const trainImages = dataset.train.count
  const batchSize = plannedBatchSize(trainImages)
  const stepsPerEpoch = Math.ceil(trainImages / batchSize)
  const target = weights ? TARGET_STEPS.fineTune : TARGET_STEPS.scratch
  let epochs = Math.min(MAX_EPOCHS, Math.max(1, Math.ceil(target / stepsPerEpoch)))
  const seconds = (n: number): number => estimateSeconds(n * stepsPerEpoch, batchSize, n, dataset.valid.count, input.threads)
  if (seconds(epochs) > MAX_PLANNED_SECONDS) {
    const capped = Math.max(1, Math.floor((epochs * MAX_PLANNED_SECONDS) / seconds(epochs)))
    const message = capped < epochs
      ? `${epochs} epochs would take about ${Math.round(seconds(epochs))} s; the plan trains ${capped} (about ${Math.round(seconds(capped))} s). Choose more epochs to train longer.`
      : `One epoch of ${trainImages} images takes about ${Math.round(seconds(1))} s; the plan trains one. Stop it at any time: the model keeps what it learned.`
    warnings.push({ kind: 'time-capped', message })
    epochs = capped
  }
  const model: ModelSpec = weights?.model ?? { kind: 'cnn', channels: [16, 32, 64, 128] }
  const rows = weights ? matchLabels(weights.labelNames, dataset.labelNames) : null
  // NOTE: a new head learns from random weights, so it needs a higher rate than rows that already read digits.
  const lr = rows ? FINE_TUNE_DEFAULTS.lr : FINE_TUNE_DEFAULTS.freshHeadLr
  const base = defaultTrainingConfig('cnn', 10)
  const freezeEpochs = weights ? Math.min(epochs - 1, Math.max(1, Math.round(epochs / 5))) : 0
  const config: TrainingConfig = weights
    ? {
        // NOTE: fine-tuned with the augmentation its start learned with, it keeps reading what that taught it.
        ...base, model, epochs, batchSize, lr, augment: FINE_TUNE_DEFAULTS.augment, ...(augmentation ? { augmentation } : {}),
        start: choice.kind === 'project' ? { kind: 'project', path: choice.path } : { kind: 'pretrained', id: choice.kind === 'pretrained' ? choice.id : 'mnist-cnn' },
        fineTune: { freezeEpochs: Math.max(0, freezeEpochs), lrMult: FINE_TUNE_DEFAULTS.lrMult, bn: FINE_TUNE_DEFAULTS.bn },
      }
    : { ...base, model, epochs, batchSize, start: { kind: 'scratch' } }
  const start: PlannedStart = weights
    ? { kind: choice.kind === 'project' ? 'project' : 'pretrained', name: weights.name, head: rows ? 'kept' : 'fresh', keptLabels: rows ? [...dataset.labelNames] : [] }
    : { kind: 'scratch' }
  dataWarnings(dataset, warnings)
  return withConfig({ config, start, trainImages, stepsPerEpoch, steps: 0, freezeEpochs, estimatedSeconds: 0, summary: '', warnings }, config, dataset.valid.count, input.threads)
}

/**
 * A plan with a config changed from the planned one (a person's own epochs, batch size…): its steps, estimate
 * and sentence told again, the freeze kept shorter than the run, and the few-steps warning for the new length.
 */
export function withConfig(plan: TrainingPlan, changed: TrainingConfig, validImages: number, threads?: number): TrainingPlan {
  const fineTune = changed.fineTune && { ...changed.fineTune, freezeEpochs: Math.min(changed.fineTune.freezeEpochs, Math.max(0, changed.epochs - 1)) }
  const config: TrainingConfig = fineTune ? { ...changed, fineTune } : changed
  const stepsPerEpoch = Math.ceil(plan.trainImages / config.batchSize)
  const steps = config.epochs * stepsPerEpoch
  const freezeEpochs = fineTune?.freezeEpochs ?? 0
  const estimatedSeconds = estimateSeconds(steps, config.batchSize, config.epochs, validImages, threads)
  const warnings = plan.warnings.filter((w) => w.kind !== 'few-steps')
  if (steps < FEW_STEPS) warnings.unshift({ kind: 'few-steps', message: `Only ${steps} optimizer steps: the model will barely change. Choose more epochs, or add images.` })
  const summary = describePlan(plan.start, config.epochs, freezeEpochs, stepsPerEpoch, config.batchSize, estimatedSeconds)
  return { ...plan, config, stepsPerEpoch, steps, freezeEpochs, estimatedSeconds, summary, warnings }
}

/** One sentence a person reads before pressing Train. */
export function describePlan(start: PlannedStart, epochs: number, freezeEpochs: number, stepsPerEpoch: number, batchSize: number, seconds: number): string {
  const length = `${epochs} epoch${epochs === 1 ? '' : 's'} × ${stepsPerEpoch} step${stepsPerEpoch === 1 ? '' : 's'} = ${epochs * stepsPerEpoch} optimizer steps in batches of ${batchSize}, about ${Math.max(1, Math.round(seconds))} s`
  if (start.kind === 'scratch') return `Train the CNN from scratch (random weights): ${length}.`
  const head = start.head === 'kept' ? `keeping its outputs for ${start.keptLabels.join(', ')}` : 'with a new output layer for these labels'
  return `Fine-tune ${start.name} ${head}: the first ${freezeEpochs} epoch${freezeEpochs === 1 ? '' : 's'} train the output layer only, then every layer; ${length}.`
}
