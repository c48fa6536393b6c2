import { DERIVATIVE_DOMAIN, type DerivativeFunction, type ImageRef, type LabReplies, type LrRegime, type Quadratic, type SgdStep } from '../../../shared/lab'
import { dataset } from './dataset.svelte'
import { ImageChoice, LabRequest } from './lab-request.svelte'

/** Panel 1: an image against every class's mean image. */
export class PixelsPanel {
  readonly choice = new ImageChoice()
  /** How far main has measured the baseline (the first reply waits for it), or null before it starts. */
  progress = $state.raw<{ readonly done: number; readonly total: number } | null>(null)
  readonly request = new LabRequest<LabReplies['labPixels']>()

  show(ref: ImageRef): Promise<unknown> {
    this.choice.ref = ref
    this.progress = null
    return this.request.run(() => window.api.labPixels(ref))
  }

  /** Show the chosen image, unless its reply is here (or on its way). */
  ensure(): void {
    if (!this.request.reply && !this.request.busy) void this.show(this.choice.ref)
  }
}

/** Panel 2: the chapter's distance of a class's validation images to its mean, traced. */
export class BroadcastPanel {
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
export class SgdPanel {
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
export class DerivativePanel {
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
