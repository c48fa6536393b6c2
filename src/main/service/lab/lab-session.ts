import { classMeans } from '../../engine/models/pixel-similarity'
import type { Tensor } from '../../engine/tensor'
import type { BaselineAccuracy, DerivativeRequest, GraphRequest, ImageRef, LabImage, LabModelKind, LabReplies, LabViewModel, NudgeRequest, SaliencyRequest, SgdRequest, StepRequest } from '../../../shared/lab'
import type { DatasetImages } from '../dataset-images'
import { traceBroadcast } from './broadcast'
import { derivativeAt } from './derivative'
import { predictionGraph } from './graph'
import { throttle } from '../throttle'
import { LadderRunner, type LadderOptions } from './ladder'
import { LabModels } from './lab-models'
import { saliency, weightImages } from './learned'
import { nudgeWeight } from './nudge'
import { ModelStepper } from './stepper'
import { splitOf } from './images'
import { sgdByHand } from './sgd'
import { baselineAccuracies, distancesToMeans, nearest } from './pixels'

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export interface LabSessionOptions extends LadderOptions {
  /** How far the baseline has measured: `done` of `total` validation images, by both distances at once. */
  readonly baselineProgress: (done: number, total: number) => void
}

/**
 * The Lab on the open dataset: each panel's computation, done by the engine in the Lab's worker thread
 * (worker/lab-worker.ts) on the dataset's own images. The panels that look inside a model (5, 7, 8) see a trained one: the Train view's
 * run on this dataset, the ladder's, or else the chapter's recipe run for them first. One session per open dataset; what it caches (the class means, the
 * baseline) belongs to that dataset.
 */
export class LabSession {
  #means: Tensor | null = null
  /** The computations that give the event loop turns while they use a model run one at a time, so none sees another's half-done work. */
  #queue: Promise<unknown> = Promise.resolve()
  #baseline: Promise<BaselineAccuracy[]> | null = null

  /** The chapter's linear model and simple_net on this dataset, shared by the panels. */
  readonly models: LabModels

  /** The model ladder (panel 9), and the training of the Lab's models. */
  readonly ladder: LadderRunner

  constructor(private readonly open: DatasetImages, private readonly options: LabSessionOptions) {
    this.models = new LabModels(open.dataset)
    this.ladder = new LadderRunner(open.dataset, this.models, options)
  }

  /** Stop the ladder's runs (another dataset is opening, or the app is closing), their workers gone when this resolves. */
  close(): Promise<void> {
    return this.ladder.close()
  }

  private get dataset() {
    return this.open.dataset
  }

  /** Every class's mean training image, (classes, h·w) in 0..1: the chapter's "ideal" digits. */
  get means(): Tensor {
    const { train, labelNames, height, width } = this.dataset
    return (this.#means ??= classMeans(train, labelNames.length, height * width))
  }

  /** The image a reference names, as panels show it. */
  image(ref: ImageRef): LabImage {
    splitOf(this.dataset, ref)
    const [found] = this.open.page({ split: ref.split, offset: ref.index, limit: 1 }).images
    return { ...ref, label: found.label, source: found.source, pixels: found.pixels }
  }

  async pixels(ref: ImageRef): Promise<LabReplies['labPixels']> {
    const started = performance.now()
    const distances = distancesToMeans(this.dataset, this.means, ref)
    const baseline = await this.baseline()
    return {
      image: this.image(ref),
      distances,
      verdict: { l1: nearest(distances, 'l1'), rmse: nearest(distances, 'rmse') },
      baseline,
      milliseconds: performance.now() - started,
    }
  }

  broadcast(label: number): LabReplies['labBroadcast'] {
    return traceBroadcast(this.dataset, this.means, label)
  }

  sgd(request: SgdRequest): LabReplies['labSgd'] {
    return sgdByHand(request)
  }

  derivative(request: DerivativeRequest): LabReplies['labDerivative'] {
    return derivativeAt(request)
  }

  async graph(request: GraphRequest): Promise<LabReplies['labGraph']> {
    splitOf(this.dataset, request.image)
    await this.ladder.ensureTrained(request.model)
    const model = this.models.get(request.model)
    return { ...predictionGraph(this.dataset, model, request.image, request.check), image: this.image(request.image), model: this.models.status(request.model) }
  }

  /** Steps on the next mini-batches, with a turn of the event loop between them (ten steps of a ten-class model take a second). */
  step(request: StepRequest): Promise<LabReplies['labStep']> {
    return this.#exclusive(() => this.#step(request))
  }

  async #step(request: StepRequest): Promise<LabReplies['labStep']> {
    const started = performance.now()
    const model = this.models.get(request.model)
    model.stepper ??= new ModelStepper(this.dataset, model)
    let detail = model.stepper.step(request.lr, request.batchSize)
    for (let k = 1; k < request.steps; k++) {
      await nextTurn()
      detail = model.stepper.step(request.lr, request.batchSize)
    }
    const { rows, ...last } = detail
    const perClass = this.dataset.labelNames.map(() => 0)
    for (const row of rows) perClass[this.dataset.train.labels[row]]++
    const first = Array.from(rows.subarray(0, 16), (index) => this.image({ split: 'train', index }))
    return { ...last, model: this.models.status(request.model), images: { size: rows.length, perClass, first }, milliseconds: performance.now() - started }
  }

  async nudge(request: NudgeRequest): Promise<LabReplies['labNudge']> {
    await this.ladder.ensureTrained('linear')
    return this.#exclusive(async () => ({ ...(await nudgeWeight(this.dataset, this.models.get('linear'), request)), model: this.models.status('linear') }))
  }

  async weights(kind: LabViewModel): Promise<LabReplies['labWeights']> {
    await this.ladder.ensureTrained(kind)
    return { ...weightImages(this.dataset, this.models.get(kind), this.models.initial(kind)), model: this.models.status(kind) }
  }

  async saliency(request: SaliencyRequest): Promise<LabReplies['labSaliency']> {
    splitOf(this.dataset, request.image)
    await this.ladder.ensureTrained(request.model)
    const model = this.models.get(request.model)
    return { ...saliency(this.dataset, model, request.image), image: this.image(request.image), model: this.models.status(request.model) }
  }

  resetModel(kind: LabModelKind): LabReplies['labResetModel'] {
    this.models.reset(kind)
    return this.models.status(kind)
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work, work)
    this.#queue = result.catch(() => undefined)
    return result
  }

  /** The baseline by both distances, computed once per dataset in one pass over the validation images. */
  private baseline(): Promise<BaselineAccuracy[]> {
    const total = this.dataset.valid.count
    const report = throttle<number>((done) => this.options.baselineProgress(done, total), 8, (done) => done === total)
    this.#baseline ??= baselineAccuracies(this.dataset, this.means, report)
    return this.#baseline
  }
}
