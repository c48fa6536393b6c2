import type { DatasetView } from '../../../shared/datasets'
import { DERIVATIVE_DOMAIN, type DerivativeFunction, type ImageRef, type LabEvent, type LabModelKind, type LabModelStatus, type LabReplies, type LabTrainRequest, type LadderKind, type LadderView, type LrRegime, type Quadratic, type SgdStep } from '../../../shared/lab'
import { defaultTrainingConfig } from '../../../shared/training'
import { dataset } from './dataset.svelte'

/** The Lab's panels, numbered as the chapter's ideas (and shown in that order). */
export const LAB_PANELS = [
  { id: 'pixels', number: 1, title: 'Pixels', hint: 'Pixels and the ideal digit: distances to every class mean' },
  { id: 'broadcast', number: 2, title: 'Broadcasting', hint: 'Broadcasting, traced: shapes flowing through each op' },
  { id: 'sgd', number: 3, title: 'SGD', hint: 'SGD by hand on the roller coaster: step, and try learning rates' },
  { id: 'derivative', number: 4, title: 'Derivative', hint: 'The derivative: drag a point, see autograd’s slope and the tangent' },
  { id: 'nudge', number: 5, title: 'Loss vs accuracy', hint: 'Why not accuracy as the loss: nudge one weight of the trained linear model' },
  { id: 'step', number: 6, title: 'Step', hint: 'Step the real model: one mini-batch at a time on your data' },
  { id: 'learned', number: 7, title: 'Learned', hint: 'What the model learned: weights as images, and saliency' },
  { id: 'graph', number: 8, title: 'Graph', hint: 'The autograd graph of one prediction, and Check gradients' },
  { id: 'ladder', number: 9, title: 'Ladder', hint: 'The model ladder: pixel similarity to ResNet-18 on the same split and seed' },
] as const

export type LabPanelId = (typeof LAB_PANELS)[number]['id']

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * One kind of request a panel makes, and its latest reply: a reply belongs to the dataset it was
 * computed on, so another dataset shows none until the panel asks again.
 */
export class LabRequest<R> {
  #entry = $state.raw<{ readonly view: DatasetView | null; readonly reply: R } | null>(null)
  busy = $state(false)
  error = $state<string | null>(null)

  readonly reply = $derived(this.#entry && this.#entry.view === dataset.view ? this.#entry.reply : null)

  /** Ask main; the reply replaces the last one, an error is kept to show. */
  async run(call: () => Promise<R>): Promise<R | null> {
    const view = dataset.view
    this.busy = true
    this.error = null
    try {
      const reply = await call()
      this.#entry = { view, reply }
      return reply
    } catch (error) {
      this.error = message(error)
      return null
    } finally {
      this.busy = false
    }
  }
}

/** An image picked in a panel: a split and a position, kept within the open dataset. */
export class ImageChoice {
  ref = $state<ImageRef>({ split: 'valid', index: 0 })

  /** How many images the chosen split has. */
  get count(): number {
    return dataset.view?.images[this.ref.split] ?? 0
  }

  /** The same split at another position, wrapped into range. */
  at(index: number): ImageRef {
    const n = Math.max(1, this.count)
    return { split: this.ref.split, index: ((Math.trunc(index) % n) + n) % n }
  }
}

/** Panel 1: an image against every class's mean image. */
class PixelsPanel {
  readonly choice = new ImageChoice()
  readonly request = new LabRequest<LabReplies['labPixels']>()

  show(ref: ImageRef): Promise<unknown> {
    this.choice.ref = ref
    return this.request.run(() => window.api.labPixels(ref))
  }

  /** Show the chosen image, unless its reply is here (or on its way). */
  ensure(): void {
    if (!this.request.reply && !this.request.busy) void this.show(this.choice.ref)
  }
}

/** Panel 2: the chapter's distance of a class's validation images to its mean, traced. */
class BroadcastPanel {
  label = $state(0)
  readonly request = new LabRequest<LabReplies['labBroadcast']>()

  show(label: number): Promise<unknown> {
    this.label = label
    return this.request.run(() => window.api.labBroadcast({ label }))
  }

  ensure(): void {
    if (!this.request.reply && !this.request.busy) void this.show(this.label < (dataset.view?.labelNames.length ?? 0) ? this.label : 0)
  }
}

/** Panel 3: SGD by hand on the chapter's roller coaster; the steps so far live here. */
class SgdPanel {
  seed = $state(42)
  /** log10 of the learning rate, as the slider moves it. */
  logLr = $state(-5)
  readonly request = new LabRequest<LabReplies['labSgd']>()
  /** Every step since the start, in order. */
  history = $state.raw<readonly SgdStep[]>([])
  regimes = $state.raw<readonly LrRegime[]>([])

  readonly lr = $derived(Number((10 ** this.logLr).toPrecision(2)))
  readonly reply = $derived(this.request.reply)
  /** The last step taken (the one whose numbers the table shows). */
  readonly last = $derived(this.history.at(-1) ?? null)

  /** Back to the seed's random parameters. */
  async start(): Promise<void> {
    this.history = []
    await this.#ask(null, 0, true)
  }

  /** Take `steps` steps from where the parameters are now. */
  async step(steps: number): Promise<void> {
    const params = this.reply?.end.params ?? null
    const reply = await this.#ask(params, steps, false)
    if (reply) this.history = [...this.history, ...reply.steps]
  }

  /** Try another learning rate: the comparison is drawn again; the parameters stay. */
  async setLr(logLr: number): Promise<void> {
    this.logLr = logLr
    await this.#ask(this.reply?.end.params ?? null, 0, true)
  }

  ensure(): void {
    if (!this.reply && !this.request.busy) void this.start()
  }

  async #ask(params: Quadratic | null, steps: number, compare: boolean): Promise<LabReplies['labSgd'] | null> {
    const reply = await this.request.run(() => window.api.labSgd({ seed: this.seed, lr: this.lr, params: params && [...params], steps, compare }))
    if (reply?.regimes) this.regimes = reply.regimes
    return reply
  }
}

/** Panel 4: f(x) with a draggable point; while a request is out, only the latest position waits. */
class DerivativePanel {
  fn = $state<DerivativeFunction>('square')
  x = $state(3)
  readonly request = new LabRequest<LabReplies['labDerivative']>()
  #waiting = false

  /** Move the point (clamped to the domain) and ask for its slope. */
  async moveTo(x: number): Promise<void> {
    this.x = Math.round(Math.min(DERIVATIVE_DOMAIN[1], Math.max(DERIVATIVE_DOMAIN[0], x)) * 100) / 100
    if (this.request.busy) {
      this.#waiting = true
      return
    }
    await this.request.run(() => window.api.labDerivative({ fn: this.fn, x: this.x }))
    if (this.#waiting) {
      this.#waiting = false
      await this.moveTo(this.x)
    }
  }

  choose(fn: DerivativeFunction): Promise<void> {
    this.fn = fn
    return this.moveTo(this.x)
  }

  ensure(): void {
    if (!this.request.reply && !this.request.busy) void this.moveTo(this.x)
  }
}

/** Panel 8: the graph of one prediction of a Lab model; checked against finite differences on request. */
class GraphPanel {
  model = $state<LabModelKind>('linear')
  readonly choice = new ImageChoice()
  readonly request = new LabRequest<LabReplies['labGraph']>()

  show(ref: ImageRef = this.choice.ref, check = false): Promise<unknown> {
    this.choice.ref = ref
    return this.request.run(() => window.api.labGraph({ model: this.model, image: ref, check }))
  }

  use(model: LabModelKind): Promise<unknown> {
    this.model = model
    return this.show()
  }

  /** Show the graph again (a Lab model may have changed since). */
  refresh(): void {
    if (!this.request.busy) void this.show(this.choice.ref, this.request.reply?.check !== null && this.request.reply !== null)
  }
}

/** Panel 5: one weight of the Lab's linear model nudged; only the latest nudge waits while one is out. */
class NudgePanel {
  /** The weight chosen (an output and a pixel), or null for the steepest. */
  weight = $state.raw<{ output: number; pixel: number } | null>(null)
  range = $state(3)
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
class StepPanel {
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
      this.request.error = error instanceof Error ? error.message : String(error)
      return null
    })
  }

  /** Step another model, at the learning rate the chapter gives it. */
  use(model: LabModelKind): void {
    this.model = model
    this.lr = defaultTrainingConfig(model, dataset.view?.labelNames.length ?? 2).lr
  }
}

/** The model ladder and the Lab's training runs, as main reports them. */
class LadderState {
  /** The chapter's epochs and settings for each model, or one epoch each. */
  epochs = $state<LabTrainRequest['epochs']>('chapter')
  #entry = $state.raw<{ readonly view: DatasetView | null; readonly ladder: LadderView } | null>(null)
  error = $state<string | null>(null)

  readonly view = $derived(this.#entry && this.#entry.view === dataset.view ? this.#entry.ladder : null)
  readonly running = $derived(this.view?.running ?? false)

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
      this.error = message(error)
    }
  }
}

/** Panel 7: a Lab model's weights as images, and the saliency of one image. */
class LearnedPanel {
  model = $state<LabModelKind>('linear')
  /** Show what training changed (the weights minus the seed's) instead of the weights. */
  showChange = $state(true)
  readonly choice = new ImageChoice()
  readonly weights = new LabRequest<LabReplies['labWeights']>()
  readonly saliency = new LabRequest<LabReplies['labSaliency']>()

  /** Show the model's weights and the chosen image's saliency again (the model may have changed). */
  refresh(): void {
    void this.weights.run(() => window.api.labWeights({ model: this.model }))
    void this.pick(this.choice.ref)
  }

  pick(ref: ImageRef): Promise<unknown> {
    this.choice.ref = ref
    return this.saliency.run(() => window.api.labSaliency({ model: this.model, image: ref }))
  }

  use(model: LabModelKind): void {
    this.model = model
    this.refresh()
  }
}

/** Which panel shows, and each panel's state. */
class Lab {
  panel = $state<LabPanelId>('pixels')
  readonly pixels = new PixelsPanel()
  readonly broadcast = new BroadcastPanel()
  readonly sgd = new SgdPanel()
  readonly derivative = new DerivativePanel()
  readonly graph = new GraphPanel()
  readonly step = new StepPanel()
  readonly learned = new LearnedPanel()
  readonly nudge = new NudgePanel()
  readonly ladder = new LadderState()

  /** An event from main: the ladder moved; a Lab model it just trained is shown afresh. */
  receive(event: LabEvent): void {
    const before = this.ladder.view
    this.ladder.receive(event.ladder)
    const finished = event.ladder.rows.filter((row) => row.status !== 'training' && before?.rows.find((old) => old.kind === row.kind)?.status === 'training')
    if (finished.some((row) => row.kind === this.learned.model)) this.learned.refresh()
    if (finished.some((row) => row.kind === 'linear')) void this.nudge.pick(null)
  }
}

export const lab = new Lab()
