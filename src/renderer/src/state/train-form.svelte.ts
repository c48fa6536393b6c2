import * as v from 'valibot'
import type { ModelKind } from '../../../shared/models'
import { MAX_TRAINING_THREADS, TrainingConfigSchema, defaultTrainingConfig, type TrainingConfig } from '../../../shared/training'
import { dataset } from './dataset.svelte'
import { trainPlan } from './train-plan.svelte'

/** The settings a person edits in the Train view. */
export type NumberField = 'epochs' | 'lr' | 'batchSize' | 'momentum' | 'weightDecay' | 'seed' | 'threads'
export type EditableField = NumberField | 'optimizer' | 'schedule' | 'kernels' | 'augment'
type Edits = { -readonly [F in EditableField]?: TrainingConfig[F] }

/** What the form calls each field. */
export const FIELD_NAMES: Readonly<Record<string, string>> = {
  epochs: 'Epochs',
  lr: 'Learning rate',
  batchSize: 'Batch size',
  momentum: 'Momentum',
  weightDecay: 'Weight decay',
  seed: 'Seed',
  threads: 'Threads',
  kernels: 'Kernels',
  augment: 'Augmentation',
}

/** This computer's cores, as many as the engine computes on: a run's threads by default, and the most it takes. */
export const CORES = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, MAX_TRAINING_THREADS))

/**
 * The Train view's form: a model kind and the fields the person changed. The config is the kind's
 * defaults for the open dataset — or the settings of a project opened — with those changes on top,
 * so picking another model starts from its own defaults.
 */
class TrainForm {
  /** The model picked, or null: the open dataset's default (the CNN, fine-tuned, for a person's own folder; else the chapter's simple_net). */
  #picked = $state<ModelKind | null>(null)
  get kind(): ModelKind {
    return this.#picked ?? (trainPlan.applies ? 'cnn' : 'simple_net')
  }
  set kind(kind: ModelKind) {
    this.#picked = kind
  }
  edits = $state.raw<Edits>({})
  /** Settings a project was trained with, which the form shows in place of the kind's defaults, and whose they are. */
  adopted = $state.raw<{ readonly config: TrainingConfig; readonly from: string } | null>(null)
  /** The dataset the edits were made for (its source and title), or null when made with none open. */
  editsFor = $state.raw<{ readonly source: string; readonly title: string } | null>(null)

  /**
   * Edits made for another dataset than the one open now are set aside, never carried over silently (30 epochs
   * picked for 480 images are a long run on 60,000): the form shows the open dataset's defaults and says so.
   */
  readonly setAside = $derived(Object.keys(this.edits).length > 0 && this.editsFor !== null && this.editsFor.source !== (dataset.view?.source ?? null))
  /** The edits the form applies. */
  readonly applied = $derived<Edits>(this.setAside ? {} : this.edits)

  /** Classes the model will output (two until a dataset is open). */
  readonly classCount = $derived(dataset.classCount || 2)
  readonly defaults = $derived(defaultTrainingConfig(this.kind, this.classCount))
  /** The adopted settings while they fit the open dataset (the chapter's mnist_loss has one output, for two classes). */
  readonly base = $derived(this.adopted && (this.adopted.config.loss !== 'mnist' || this.classCount === 2) ? this.adopted : null)
  /** The CNN trains as main plans it for the open dataset (its start, length and learning rate), unless a project's settings are shown. */
  readonly planned = $derived(this.kind === 'cnn' && !this.base && trainPlan.applies ? trainPlan.plan : null)
  readonly config = $derived<TrainingConfig>(
    this.base
      ? { ...this.base.config, threads: Math.min(this.base.config.threads ?? CORES, CORES), ...this.applied }
      : { ...(this.planned?.config ?? this.defaults), threads: CORES, ...this.applied },
  )
  /** What is wrong with each field, by field name; empty when the config can be trained. */
  readonly problems = $derived.by(() => {
    const result = v.safeParse(TrainingConfigSchema, this.config)
    const problems: Partial<Record<string, string>> = {}
    if (!result.success) {
      for (const issue of result.issues) {
        const field = v.getDotPath(issue) ?? 'config'
        problems[field] ??= Number.isNaN(issue.input) ? 'enter a number' : `expected ${issue.expected ?? 'another value'}, got ${issue.received}`
      }
    }
    if ((this.config.threads ?? 1) > CORES) problems.threads ??= `this computer has ${CORES} core${CORES === 1 ? '' : 's'}`
    return problems
  })
  readonly valid = $derived(Object.keys(this.problems).length === 0)
  /** The first problem, in words, with its field's name. */
  readonly firstProblem = $derived.by(() => {
    const [field, problem] = Object.entries(this.problems)[0] ?? []
    return field ? `${FIELD_NAMES[field] ?? field}: ${problem}` : null
  })
  /** The finder sweeps learning rates itself: it runs while only the learning rate is wrong, with the default in its place. */
  readonly finderReady = $derived(Object.keys(this.problems).every((field) => field === 'lr'))
  readonly finderConfig = $derived<TrainingConfig>(this.problems.lr ? { ...this.config, lr: (this.base?.config ?? this.defaults).lr } : this.config)
  /** A model that learns nothing by gradient descent (pixel similarity) has no training settings. */
  readonly trainable = $derived(this.kind !== 'pixel')

  pick(kind: ModelKind): void {
    this.kind = kind
    this.#clearEdits()
    this.adopted = null
  }

  /** Show the settings a project was trained with (`epochs`: as many as it has), so Train runs what the form shows. */
  adopt(config: TrainingConfig, epochs: number, from: string): void {
    this.kind = config.model.kind
    this.#clearEdits()
    this.adopted = { config: { ...config, epochs: epochs > 0 ? epochs : config.epochs }, from }
  }

  set<F extends EditableField>(field: F, value: TrainingConfig[F]): void {
    this.edits = { ...this.applied, [field]: value }
    this.editsFor = this.#openDataset()
  }

  /** Apply the edits set aside to the dataset open now. */
  keepEdits(): void {
    this.editsFor = this.#openDataset()
  }

  /** Back to the kind's defaults. */
  reset(): void {
    this.#clearEdits()
    this.adopted = null
  }

  #clearEdits(): void {
    this.edits = {}
    this.editsFor = null
  }

  #openDataset(): { source: string; title: string } | null {
    return dataset.view ? { source: dataset.view.source, title: dataset.title } : null
  }
}

export const trainForm = new TrainForm()
