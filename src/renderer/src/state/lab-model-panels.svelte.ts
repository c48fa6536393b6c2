import type { DatasetView } from '../../../shared/datasets'
import { LAB_MODEL_KINDS, LAB_VIEW_MODELS, type ImageRef, type LabModelKind, type LabModelStatus, type LabReplies, type LabTrainRequest, type LabViewModel, type LadderKind, type LadderView } from '../../../shared/lab'
import { defaultTrainingConfig } from '../../../shared/training'
import { dataset } from './dataset.svelte'
import { ImageChoice, LabRequest } from './lab-request.svelte'
import { errorText } from '../lib/error-text'

/**
 * Which model a panel that looks inside one shows: the one picked, else the Train view's last run on this
 * dataset where there is one (what a person just trained), else the Lab's linear model.
 */
class LooksInsideModel {
  #picked = $state<LabViewModel | null>(null)

  constructor(protected readonly ladder: LadderState) {}

  get model(): LabViewModel {
    return this.#picked ?? (this.ladder.view?.trained ? 'trained' : 'linear')
  }

  /** Pick a model (null: the default, the model just trained where there is one). */
  set model(model: LabViewModel | null) {
    this.#picked = model
  }
}

/** Panel 8: the graph of one prediction of a Lab model; checked against finite differences on request. */
export class GraphPanel extends LooksInsideModel {
  readonly choice = new ImageChoice()
  readonly request = new LabRequest<LabReplies['labGraph']>()

  async show(ref: ImageRef = this.choice.ref, check = false): Promise<unknown> {
    this.choice.ref = ref
    await this.ladder.ready()
    return this.request.run(() => window.api.labGraph({ model: this.model, image: ref, check }))
  }

  use(model: LabViewModel): Promise<unknown> {
    this.model = model
    return this.show()
  }

  /** Show the graph again (a Lab model may have changed since). */
  refresh(): void {
    if (!this.request.busy) void this.show(this.choice.ref, this.request.reply?.check !== null && this.request.reply !== null)
  }
}

/** The model ladder and the Lab's training runs, as main reports them. */
export class LadderState {
  /** The chapter's epochs and settings for each model, or one epoch each. */
  epochs = $state<LabTrainRequest['epochs']>('chapter')
  #entry = $state.raw<{ readonly view: DatasetView | null; readonly ladder: LadderView } | null>(null)
  error = $state<string | null>(null)

  readonly view = $derived(this.#entry && this.#entry.view === dataset.view ? this.#entry.ladder : null)
  readonly running = $derived(this.view?.running ?? false)
  /** The models Learned and Graph offer: the Lab's two, and first the Train view's where it has left one. */
  readonly models: readonly LabViewModel[] = $derived(this.view?.trained ? LAB_VIEW_MODELS : LAB_MODEL_KINDS)

  /** Ask main how the ladder stands (after a reload, or on first showing it). */
  async load(): Promise<void> {
    await this.#ask(() => window.api.labLadder())
  }

  /** Train these models, one after another. */
  start(models: readonly LadderKind[], epochs: LabTrainRequest['epochs']): Promise<void> {
    return this.#ask(() => window.api.labTrain({ models: [...models], epochs }))
  }

  stop(): Promise<void> {
    return this.#ask(() => window.api.labStopTraining())
  }

  /** Once main has said how the ladder stands (which tells whether the Train view has left a model to look inside). */
  async ready(): Promise<void> {
    if (!this.view) await this.load()
  }

  row(kind: LadderKind) {
    return this.view?.rows.find((row) => row.kind === kind) ?? null
  }

  receive(ladder: LadderView): void {
    this.#entry = { view: dataset.view, ladder }
  }

  async #ask(call: () => Promise<LadderView>): Promise<void> {
    this.error = null
    try {
      this.receive(await call())
    } catch (error) {
      this.error = errorText(error)
    }
  }
}

/** Panel 7: a model's weights as images, and the saliency of one image. */
export class LearnedPanel extends LooksInsideModel {
  /** Show what training changed (the weights minus the seed's) instead of the weights. */
  showChange = $state(true)
  readonly choice = new ImageChoice()
  readonly weights = new LabRequest<LabReplies['labWeights']>()
  readonly saliency = new LabRequest<LabReplies['labSaliency']>()

  /** Show the model's weights and the chosen image's saliency again (the model may have changed). */
  refresh(): void {
    void this.ladder.ready().then(() => {
      void this.weights.run(() => window.api.labWeights({ model: this.model }))
      void this.pick(this.choice.ref)
    })
  }

  pick(ref: ImageRef): Promise<unknown> {
    this.choice.ref = ref
    return this.saliency.run(() => window.api.labSaliency({ model: this.model, image: ref }))
  }

  use(model: LabViewModel): void {
    this.model = model
    this.refresh()
  }
}

/** Panel 5: one weight of the Lab's linear model nudged; only the latest nudge waits while one is out. */
export class NudgePanel {
  /** The weight chosen (an output and a pixel), or null for the steepest. */
  weight = $state.raw<{ output: number; pixel: number } | null>(null)
  /** Small nudges, where a trained model's accuracy mostly stays put while its loss moves (the chapter's point). */
  range = $state(1)
  delta = $state(0)
  readonly request = new LabRequest<LabReplies['labNudge']>()
  #waiting = false

  async show(): Promise<void> {
    if (this.request.busy) {
      this.#waiting = true
      return
    }
    const delta = Math.max(-this.range, Math.min(this.range, this.delta))
    await this.request.run(() => window.api.labNudge({ weight: this.weight, range: this.range, delta }))
    if (this.#waiting) {
      this.#waiting = false
      await this.show()
    }
  }

  nudge(delta: number): Promise<void> {
    this.delta = delta
    return this.show()
  }

  pick(weight: { output: number; pixel: number } | null): Promise<void> {
    this.weight = weight
    this.delta = 0
    return this.show()
  }

  setRange(range: number): Promise<void> {
    this.range = range
    this.delta = Math.max(-range, Math.min(range, this.delta))
    return this.show()
  }
}

/** Panel 6: a Lab model stepped one mini-batch at a time. */
export class StepPanel {
  model = $state<LabModelKind>('linear')
  lr = $state(1)
  batchSize = $state(256)
  readonly request = new LabRequest<LabReplies['labStep']>()
  /** The model's status after a reset (no step to show yet). */
  reset = $state.raw<LabModelStatus | null>(null)

  /** The last step of the model shown (another model's step is not this one's). */
  readonly reply = $derived(this.request.reply?.model.kind === this.model && this.reset?.kind !== this.model ? this.request.reply : null)

  step(steps: number): Promise<unknown> {
    this.reset = null
    return this.request.run(() => window.api.labStep({ model: this.model, lr: this.lr, batchSize: this.batchSize, steps }))
  }

  /** Start the model again from its seed. */
  async restart(): Promise<void> {
    this.reset = await window.api.labResetModel({ model: this.model }).catch((error: unknown) => {
      this.request.error = errorText(error)
      return null
    })
  }

  /** Step another model, at the learning rate the chapter gives it. */
  use(model: LabModelKind): void {
    this.model = model
    this.lr = defaultTrainingConfig(model, dataset.view?.labelNames.length ?? 2).lr
  }
}
