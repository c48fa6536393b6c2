import type { ResourceLimits } from 'node:worker_threads'
import type { DigitDataset } from '../../engine/data/dataset'
import { estimateTrainingMemory } from '../../engine/learner/memory'
import { validateConfig } from '../../engine/learner/recipe'
import { classMeans } from '../../engine/models/pixel-similarity'
import { LADDER_KINDS, type LabTrainRequest, type LabViewModel, type LadderKind, type LadderRow, type LadderView } from '../../../shared/lab'
import { defaultTrainingConfig, type TrainingConfig, type TrainingEvent } from '../../../shared/training'
import { formatPercent } from '../../../shared/number-format'
import { checkMemoryBudget } from '../memory-budget'
import { throttle } from '../throttle'
import { TrainingRun } from '../training-run'
import { LAB_SEED, type LabModels } from './lab-models'
import { baselineAccuracies } from './pixels'

export interface LadderOptions {
  /** Tell the renderer how the ladder stands. */
  readonly emit: (ladder: LadderView) => void
  readonly memoryBudget: number
  readonly workerLimits: ResourceLimits
}

const PIXEL_RECIPE = 'the mean image of each class, nearest by L1; nothing trained'

/** A run's settings in a line: "SGD lr 1, 20 epochs, batch 256, mnist_loss". */
function recipeOf(config: TrainingConfig): string {
  const epochs = `${config.epochs} ${config.epochs === 1 ? 'epoch' : 'epochs'}`
  const extras = [config.schedule === 'one-cycle' ? 'one-cycle' : '', config.weightDecay > 0 ? `wd ${config.weightDecay}` : ''].filter(Boolean)
  return [`${config.optimizer === 'adam' ? 'Adam' : 'SGD'} lr ${config.lr}`, epochs, `batch ${config.batchSize}`, config.loss === 'mnist' ? 'mnist_loss' : 'cross-entropy', ...extras].join(', ')
}

const emptyRow = (kind: LadderKind): LadderRow => ({ kind, status: 'not run', recipe: '', parameters: null, seconds: null, accuracy: null, epochs: 0, epochsDone: 0, progress: null, message: '', from: 'ladder' })

/** Images a Lab model trained before a panel shows it sees at most (the chapter's epochs on MNIST_SAMPLE; fewer on MNIST): a few seconds. */
const QUICK_TRAINING_IMAGES = 500_000

/** How a run of the Train view that the ladder shows ended. */
export interface TrainViewRun {
  readonly config: TrainingConfig
  readonly status: 'completed' | 'stopped' | 'diverged' | 'crashed'
  readonly epochsDone: number
  readonly accuracy: number | null
  readonly seconds: number
  readonly state: Record<string, Float32Array> | null
  /** Set for a project opened from a file (its name): its model is the Lab's trained one; the ladder's rows are left alone. */
  readonly project?: string
}

/**
 * Panel 9: pixel similarity → linear → simple_net → CNN → ResNet-18 on the same split and seed,
 * one after another — pixel similarity in main (nothing to train), every other in a training
 * worker — each row filled as its run finishes. Trained linear and simple_net models become the
 * Lab's, for the panels that look inside them.
 */
export class LadderRunner {
  readonly #rows = new Map<LadderKind, LadderRow>(LADDER_KINDS.map((kind) => [kind, emptyRow(kind)]))
  #running = false
  /** Runs of the Train view the Lab has taken the model of: tells one such model from the next. */
  #trainedRuns = 0
  #stopping = false
  #run: TrainingRun | null = null
  /** The queued rungs' runs, settled when the last has ended. */
  #all: Promise<void> = Promise.resolve()

  constructor(private readonly dataset: DigitDataset, private readonly models: LabModels, private readonly options: LadderOptions) {}

  get view(): LadderView {
    const trained = this.models.trained ? { run: this.#trainedRuns, model: this.models.status('trained') } : null
    return { running: this.#running, seed: LAB_SEED, trained, rows: LADDER_KINDS.map((kind) => this.#rows.get(kind)!) }
  }

  /**
   * The config a rung trains with: the app's default for the kind (the chapter's where it has one), the Lab's seed;
   * with `maxImages`, no more epochs than see that many training images (one at least).
   */
  configOf(kind: Exclude<LadderKind, 'pixel'>, epochs: LabTrainRequest['epochs'], maxImages = Infinity): TrainingConfig {
    const config = { ...defaultTrainingConfig(kind, this.dataset.labelNames.length), seed: LAB_SEED }
    if (epochs === 'one') return { ...config, epochs: 1 }
    return { ...config, epochs: Math.max(1, Math.min(config.epochs, Math.floor(maxImages / Math.max(1, this.dataset.train.count)))) }
  }

  /**
   * Before a panel shows a Lab model: one still as the seed made it (not trained, not stepped by hand) is trained
   * now with the chapter's recipe — a few seconds, its row and the panel's train control showing the progress —
   * so panels look inside a model that has learned something. Waits for the ladder when it is training already.
   */
  async ensureTrained(kind: LabViewModel): Promise<void> {
    if (kind === 'trained') return
    if (this.#running) await this.#all
    const model = this.models.get(kind)
    if (model.trained || model.steps > 0) return
    this.start({ models: [kind], epochs: 'chapter' }, QUICK_TRAINING_IMAGES)
    await this.#all
  }

  /**
   * A run of the Train view on this dataset, shown as its kind's rung (unless the ladder is training that rung);
   * a linear model or simple_net of the chapter's shape also becomes the Lab's, for the panels that look inside it.
   */
  adoptRun(run: TrainViewRun): void {
    const epochs = `${run.epochsDone} ${run.epochsDone === 1 ? 'epoch' : 'epochs'}${run.accuracy === null ? '' : ` (accuracy ${formatPercent(run.accuracy, 2)})`}`
    // Learned and Graph open on the model the run left, whatever its architecture.
    if (run.state && run.epochsDone > 0) {
      try {
        this.models.adoptTrained(run.config, run.state, `${run.project ? `the project ${run.project}` : 'your run in the Train view'}: ${epochs}`)
        this.#trainedRuns++
      } catch {
        // NOTE: a model main cannot rebuild (it would fail Draw and Export too, which say so) is not the Lab's to show.
      }
    }
    const kind = run.config.model.kind
    if (run.project !== undefined || !(LADDER_KINDS as readonly string[]).includes(kind) || kind === 'pixel') return this.#emit()
    const rung = kind as Exclude<LadderKind, 'pixel'>
    const current = this.#rows.get(rung)!
    if (current.status === 'training' || current.status === 'queued') return this.#emit()
    const status = run.status === 'completed' ? 'done' : run.status === 'crashed' ? 'failed' : run.status
    const parameters = estimateTrainingMemory(this.dataset, run.config).gradients / 4
    if ((rung === 'linear' || rung === 'simple_net') && run.state && run.epochsDone > 0) {
      // A model of another shape (other hidden sizes) stays the Lab's own.
      try {
        this.models.adopt(rung, run.state, `your run in the Train view: ${epochs}`)
      } catch {
        // kept as it was
      }
    }
    this.#set(rung, { ...emptyRow(rung), status, recipe: recipeOf(run.config), parameters, seconds: run.seconds, accuracy: run.accuracy, epochs: run.config.epochs, epochsDone: run.epochsDone, message: 'your run in the Train view', from: 'train-view' })
  }

  /** Queue the requested rungs, refusing up front any that cannot run or would not fit in memory. */
  start(request: LabTrainRequest, maxImages = Infinity): LadderView {
    if (this.#running) throw new Error('the ladder is training; stop it before starting again')
    const kinds = LADDER_KINDS.filter((kind) => request.models.includes(kind))
    const plans = kinds.map((kind) => {
      if (kind === 'pixel') return { kind, config: null, parameters: 0, recipe: PIXEL_RECIPE }
      const config = this.configOf(kind, request.epochs, maxImages)
      validateConfig(config, this.dataset)
      const estimate = estimateTrainingMemory(this.dataset, config)
      checkMemoryBudget(estimate, this.options.memoryBudget)
      return { kind, config, parameters: estimate.gradients / 4, recipe: recipeOf(config) }
    })
    for (const plan of plans) this.#set(plan.kind, { ...emptyRow(plan.kind), status: 'queued', recipe: plan.recipe, parameters: plan.parameters, epochs: plan.config?.epochs ?? 0 }, false)
    this.#running = true
    this.#stopping = false
    this.#all = this.#runAll(plans)
    this.#emit()
    return this.view
  }

  /** Stop the run in progress (it keeps what it learned) and every queued one. */
  stop(): LadderView {
    if (this.#running) {
      this.#stopping = true
      this.#run?.stop()
    }
    return this.view
  }

  /** Stop everything and end the run in progress now, its worker gone when this resolves (the app is quitting). */
  async close(): Promise<void> {
    this.stop()
    await this.#run?.close()
  }

  async #runAll(plans: readonly { kind: LadderKind; config: TrainingConfig | null }[]): Promise<void> {
    for (const { kind, config } of plans) {
      if (this.#stopping) {
        this.#set(kind, { ...this.#rows.get(kind)!, status: 'not run', message: 'stopped before it started' })
        continue
      }
      this.#set(kind, { ...this.#rows.get(kind)!, status: 'training', progress: 0 })
      if (config) await this.#train(kind as Exclude<LadderKind, 'pixel'>, config)
      else await this.#pixel()
    }
    this.#running = false
    this.#run = null
    this.#emit()
  }

  async #pixel(): Promise<void> {
    const started = performance.now()
    const { train, labelNames, height, width } = this.dataset
    const [baseline] = await baselineAccuracies(this.dataset, classMeans(train, labelNames.length, height * width))
    this.#set('pixel', { ...this.#rows.get('pixel')!, status: 'done', accuracy: baseline.accuracy, seconds: (performance.now() - started) / 1000, progress: null })
  }

  async #train(kind: Exclude<LadderKind, 'pixel'>, config: TrainingConfig): Promise<void> {
    const started = performance.now()
    const last: { accuracy: number | null } = { accuracy: null }
    const progress = throttle<TrainingEvent>((event) => {
      if (event.kind !== 'progress') return
      const done = (event.epoch - (event.epochs - config.epochs) + (event.batch + 1) / event.batches) / config.epochs
      this.#set(kind, { ...this.#rows.get(kind)!, progress: Math.min(1, done), epochsDone: event.epoch - (event.epochs - config.epochs) })
    }, 4, () => false)
    this.#run = new TrainingRun(this.dataset, config, (event) => {
      if (event.kind === 'epoch') last.accuracy = Object.values(event.record.metrics)[0] ?? null
      else progress(event)
    }, this.options.workerLimits)
    const outcome = await this.#run.outcome
    const { accuracy } = last
    const seconds = (performance.now() - started) / 1000
    const status = outcome.status === 'completed' ? 'done' : outcome.status === 'crashed' ? 'failed' : outcome.status
    this.#set(kind, { ...this.#rows.get(kind)!, status, seconds, accuracy, epochsDone: outcome.epochsDone, progress: null, message: outcome.status === 'completed' ? '' : outcome.message })
    if ((kind === 'linear' || kind === 'simple_net') && outcome.state && outcome.epochsDone > 0) {
      const how = `trained ${outcome.epochsDone} ${outcome.epochsDone === 1 ? 'epoch' : 'epochs'} in the ladder${accuracy === null ? '' : ` (accuracy ${formatPercent(accuracy, 2)})`}`
      this.models.adopt(kind, outcome.state, how)
    }
  }

  #set(kind: LadderKind, row: LadderRow, emit = true): void {
    this.#rows.set(kind, row)
    if (emit) this.#emit()
  }

  #emit(): void {
    this.options.emit(this.view)
  }
}
