import * as v from 'valibot'
import type { LabApiName } from './lab-channels'

const finite = v.pipe(v.number(), v.finite())
const seed = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))
const index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000_000))

/** One image of the open dataset: its split and its position there. */
export const ImageRefSchema = v.object({ split: v.picklist(['train', 'valid']), index })
export type ImageRef = v.InferOutput<typeof ImageRefSchema>

/** The image a panel looks at, as it shows it. */
export interface LabImage extends ImageRef {
  readonly label: number
  readonly source: string
  /** 28×28 uint8 pixels, base64, row-major. */
  readonly pixels: string
}

/** How far an image is from one class's mean ("ideal") image. */
export interface ClassDistance {
  readonly label: number
  /** mean |x − mean| over the pixels (in 0..1 units) */
  readonly l1: number
  /** √ mean (x − mean)² */
  readonly rmse: number
}

/** The pixel-similarity baseline on the validation set, by one distance. */
export interface BaselineAccuracy {
  readonly distance: 'l1' | 'rmse'
  /** Share of each class's validation images whose nearest mean is their own class's. */
  readonly perClass: readonly { readonly label: number; readonly correct: number; readonly count: number; readonly accuracy: number }[]
  /** Share of all validation images classified right. */
  readonly accuracy: number
  /** The mean of the per-class accuracies, as the chapter averages the 3s' and the 7s'. */
  readonly classAverage: number
}

/** Panel 1: an image, its distance to every class's mean image, the verdict, and the baseline. */
export interface PixelsReply {
  readonly image: LabImage
  readonly distances: readonly ClassDistance[]
  /** The nearest class by each distance. */
  readonly verdict: { readonly l1: number; readonly rmse: number }
  readonly baseline: readonly BaselineAccuracy[]
  readonly milliseconds: number
}

/** A tensor a traced step reads or makes, by the name the chapter's code gives it. */
export interface TracedTensor {
  readonly name: string
  readonly shape: readonly number[]
}

/** One op as it ran: its code, the shapes that went in and came out, and the first values it made. */
export interface TracedStep {
  readonly code: string
  /** The op: the ONNX op type its graph node carries, or the op's name for those without gradients. */
  readonly op: string
  readonly inputs: readonly TracedTensor[]
  readonly output: TracedTensor
  /** For two inputs of different shapes: both right-aligned to the output's rank (missing axes as 1), and the result. */
  readonly broadcast: { readonly aligned: readonly (readonly number[])[]; readonly result: readonly number[] } | null
  readonly note: string
  /** The output's first values (at most 6), or for a stack of images its smallest, mean and largest value. */
  readonly sample: { readonly kind: 'values'; readonly values: readonly number[] } | { readonly kind: 'range'; readonly min: number; readonly mean: number; readonly max: number }
}

/** Panel 2: the chapter's `mnist_distance(valid_c, mean_c)` and the verdict for every image, traced. */
export interface BroadcastReply {
  readonly label: number
  /** The chapter's distance of every validation image of the class to the class's mean. */
  readonly distance: readonly TracedStep[]
  /** Every validation image of the class against every class's mean at once, to the class's accuracy. */
  readonly verdict: readonly TracedStep[]
  readonly accuracy: number
  /** Bytes that copying the mean image once per validation image would have taken: broadcasting copies nothing. */
  readonly copyBytesAvoided: number
  readonly milliseconds: number
}

/** The roller coaster's three parameters: speed = a·t² + b·t + c. */
export type Quadratic = readonly [number, number, number]

export const SgdRequestSchema = v.object({
  /** Seeds the noisy data and the random starting parameters, as `torch.manual_seed`. */
  seed,
  lr: v.pipe(v.number(), v.minValue(1e-9), v.maxValue(1)),
  /** Where to step from; null starts at the seed's random parameters. */
  params: v.nullable(v.tuple([finite, finite, finite])),
  /** SGD steps to take (0: only show where the parameters are). */
  steps: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(200)),
  /** Also compare learning rates from the seed's start (when the learning rate changes). */
  compare: v.boolean(),
})
export type SgdRequest = v.InferOutput<typeof SgdRequestSchema>

/** One step of the chapter's loop: predict, loss, gradient, `params -= lr·grad`. */
export interface SgdStep {
  readonly params: Quadratic
  readonly predictions: readonly number[]
  /** MSE of the predictions against the speeds. */
  readonly loss: number
  /** ∂loss/∂a, ∂loss/∂b, ∂loss/∂c, by autograd. */
  readonly grads: Quadratic
  /** lr · grad */
  readonly updates: Quadratic
  /** The parameters after the step. */
  readonly next: Quadratic
}

/** The loss, step by step, from the same start at one learning rate. */
export interface LrRegime {
  readonly name: string
  readonly lr: number
  /** Losses before each step, ending early where they stop being finite or pass 1e12. */
  readonly losses: readonly number[]
  readonly diverged: boolean
}

/** Panel 3: the roller coaster data, the steps taken, where they ended, and learning rates compared. */
export interface SgdReply {
  readonly lr: number
  readonly time: readonly number[]
  readonly speed: readonly number[]
  readonly steps: readonly SgdStep[]
  /** Where the steps left the parameters, and the loss there. */
  readonly end: { readonly params: Quadratic; readonly predictions: readonly number[]; readonly loss: number }
  /** True when a step made the loss or a parameter too large to go on (the steps stop there). */
  readonly diverged: boolean
  /** When asked, from the seed's start: a learning rate too small, a good one, ones too large, and this one. */
  readonly regimes: readonly LrRegime[] | null
}

/** The functions whose slope panel 4 shows. */
export const DERIVATIVE_FUNCTIONS = ['square', 'cube', 'sigmoid', 'relu'] as const
export type DerivativeFunction = (typeof DERIVATIVE_FUNCTIONS)[number]

/** Where panel 4's point may be dragged. */
export const DERIVATIVE_DOMAIN = [-4, 4] as const

export const DerivativeRequestSchema = v.object({
  fn: v.picklist(DERIVATIVE_FUNCTIONS),
  x: v.pipe(v.number(), v.minValue(DERIVATIVE_DOMAIN[0]), v.maxValue(DERIVATIVE_DOMAIN[1])),
})
export type DerivativeRequest = v.InferOutput<typeof DerivativeRequestSchema>

/** Panel 4: f at a point, autograd's slope there, and the curve. */
export interface DerivativeReply {
  readonly fn: DerivativeFunction
  /** f as the chapter writes it: `x**2`. */
  readonly code: string
  /** The derivative as a formula: `2x`. */
  readonly formula: string
  /** x as the engine holds it (float32). */
  readonly x: number
  readonly y: number
  /** `x.grad` after `f(x).backward()`. */
  readonly grad: number
  /** The formula's value at x, for comparison. */
  readonly exact: number
  /** (f(x + h) − f(x − h)) / 2h, by the engine, h = 1e-3. */
  readonly centralDifference: number
  /** The tangent at x: y = slope·x + intercept. */
  readonly tangent: { readonly slope: number; readonly intercept: number }
  /** f over the domain, by the engine. */
  readonly curve: readonly (readonly [number, number])[]
  /** The chapter's vector example: x = [3, 4, 10], `f(x).sum().backward()`, x.grad. */
  readonly vector: { readonly x: readonly number[]; readonly grad: readonly number[] }
}

/** The models the Lab keeps on the open dataset, to step, inspect and train: the chapter's two. */
export const LAB_MODEL_KINDS = ['linear', 'simple_net'] as const
export type LabModelKind = (typeof LAB_MODEL_KINDS)[number]
const labModelKind = v.picklist(LAB_MODEL_KINDS)

/** Where one of the Lab's models stands. */
export interface LabModelStatus {
  readonly kind: LabModelKind
  /** Its layers and loss, in a line: "Linear 784 → 1, sigmoid and mnist_loss". */
  readonly architecture: string
  readonly parameters: number
  /** One output and the chapter's mnist_loss (two classes), or one per class and cross-entropy. */
  readonly loss: 'mnist' | 'ce'
  /** What happened to it since the seed made it. */
  readonly history: string
  /** Mini-batch steps taken by hand (panel 6) since it was made or trained. */
  readonly steps: number
  readonly trained: boolean
}

/** A number and its gradient, summarised: all values of a small tensor, a few and the range of a large one. */
export interface TensorSummary {
  readonly shape: readonly number[]
  /** The first values (at most 8). */
  readonly values: readonly number[]
  readonly min: number
  readonly max: number
  readonly mean: number
  /** For a tensor holding whole images (its size a multiple of h·w): the first image's values, for a heatmap. */
  readonly image: readonly number[] | null
}

/**
 * One element's gradient by autograd and by the central difference of the loss. Not compared
 * (`relativeError` null) where the difference cannot judge it: at a kink (a ReLU's corner inside
 * the step, where the one-sided slopes differ), or where both are below what a float32 loss can
 * resolve at this step (a saturated sigmoid's tiny slopes).
 */
export interface CheckedElement {
  readonly index: number
  readonly autograd: number
  readonly numeric: number
  readonly relativeError: number | null
  readonly skipped: 'kink' | 'resolution' | null
}

/** Central differences against autograd at a few elements of one node. */
export interface NodeCheck {
  readonly elements: readonly CheckedElement[]
  /** The worst relative error of the compared elements (0 when none could be compared). */
  readonly worst: number
}

/** One tensor of a prediction's graph: a leaf (the image, a parameter, a constant) or an op's output. */
export interface GraphNode {
  readonly id: number
  readonly kind: 'input' | 'parameter' | 'constant' | 'op'
  /** The op type of the GradNode that made it, or the leaf's name (`0.weight`, `x`). */
  readonly name: string
  /** The code that made it, as the chapter would write it. */
  readonly code: string
  /** The nodes it was computed from. */
  readonly inputs: readonly number[]
  readonly value: TensorSummary
  /** ∂loss/∂node, or null where no gradient flows (constants). */
  readonly grad: TensorSummary | null
  readonly check: NodeCheck | null
}

export const GraphRequestSchema = v.object({
  model: labModelKind,
  image: ImageRefSchema,
  /** Also compare every node's gradient with central finite differences. */
  check: v.boolean(),
})
export type GraphRequest = v.InferOutput<typeof GraphRequestSchema>

/** Panel 8: the graph of one prediction and its loss, walked from its GradNodes. */
export interface GraphReply {
  readonly image: LabImage
  readonly model: LabModelStatus
  readonly nodes: readonly GraphNode[]
  readonly loss: number
  /** The predicted class. */
  readonly prediction: number
  /**
   * With `check`: the worst relative error over every compared element and its node; how many
   * elements were compared and how many could not be; the step; the smallest slope the float32
   * loss resolves at that step.
   */
  readonly check: {
    readonly worst: number
    readonly node: number
    readonly compared: number
    readonly skipped: number
    readonly eps: number
    readonly resolution: number
  } | null
  readonly milliseconds: number
}

export const StepRequestSchema = v.object({
  model: labModelKind,
  lr: v.pipe(v.number(), v.gtValue(0), v.maxValue(100)),
  batchSize: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2048)),
  /** Mini-batches to take now (the reply details the last). */
  steps: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
})
export type StepRequest = v.InferOutput<typeof StepRequestSchema>

/** One weight before and after `p -= lr·grad`. */
export interface WeightUpdate {
  /** The parameter's name (`1.weight`) and the element's position in it. */
  readonly name: string
  readonly index: number
  readonly before: number
  readonly grad: number
  readonly after: number
}

/** Panel 6: the last mini-batch step on the real data, and every step's loss since the model was made. */
export interface StepReply {
  readonly model: LabModelStatus
  /** Where the step was: its epoch, and its batch among the epoch's. */
  readonly epoch: number
  readonly batch: number
  readonly batches: number
  /** The mini-batch: how many images of each class, and the first few. */
  readonly images: { readonly size: number; readonly perClass: readonly number[]; readonly first: readonly LabImage[] }
  readonly loss: number
  readonly lr: number
  /**
   * ∂loss/∂(first layer's weights) as an image: the row of one output (linear) or hidden unit
   * (simple_net), the one whose gradient is largest, with its name.
   */
  readonly gradient: { readonly name: string; readonly row: number; readonly rows: number; readonly values: readonly number[] }
  /** The weights with the largest gradients, and the bias the row feeds. */
  readonly updates: readonly WeightUpdate[]
  /** Validation accuracy before and after the step. */
  readonly accuracy: { readonly before: number; readonly after: number }
  /** Every step's loss and validation accuracy after it, since the model was made or trained. */
  readonly history: readonly { readonly loss: number; readonly accuracy: number }[]
  readonly milliseconds: number
}

export const NudgeRequestSchema = v.object({
  /** The weight to nudge: an output (class) and a pixel; null for the one the loss is most sensitive to. */
  weight: v.nullable(v.object({ output: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)), pixel: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)) })),
  /** How far to nudge it, each way. */
  range: v.pipe(v.number(), v.gtValue(0), v.maxValue(100)),
  /** The nudge to show before and after (within the range). */
  delta: v.pipe(v.number(), v.minValue(-100), v.maxValue(100)),
})
export type NudgeRequest = v.InferOutput<typeof NudgeRequestSchema>

/** Loss and accuracy on the validation set. */
export interface Scores {
  readonly loss: number
  readonly accuracy: number
}

/** Panel 5: one weight of the linear model nudged — the loss moves smoothly, the accuracy in steps. */
export interface NudgeReply {
  readonly model: LabModelStatus
  readonly lossName: 'mnist_loss' | 'cross-entropy'
  readonly weight: { readonly output: number; readonly pixel: number; readonly name: string; readonly value: number }
  /** ∂loss/∂weight over the validation set, by autograd. */
  readonly gradient: number
  /** ∂loss/∂w for every pixel of the weight's output: where a nudge matters, to pick a weight from. */
  readonly gradientMap: readonly number[]
  /** The validation loss and accuracy at each nudge, the weight moved by `delta` (by broadcasting every nudge at once). */
  readonly sweep: { readonly deltas: readonly number[]; readonly loss: readonly number[]; readonly accuracy: readonly number[] }
  /** At the requested nudge: before, and after by a real forward pass with the weight set. */
  readonly delta: number
  readonly before: Scores
  readonly after: Scores
  /** Share of the sweep's steps where the loss changed but the accuracy did not: where accuracy gives no gradient. */
  readonly flatShare: number
  /** One-output models: σ(z) over z, and validation predictions on it (the chapter's plot). */
  readonly sigmoid: { readonly curve: readonly (readonly [number, number])[]; readonly predictions: readonly { readonly z: number; readonly s: number; readonly target: number }[] } | null
}

/** Panel 7: a Lab model's first-layer weights, one 28×28 image per output (linear) or hidden unit (simple_net). */
export interface WeightsReply {
  readonly model: LabModelStatus
  /** The parameter shown (`1.weight`). */
  readonly name: string
  readonly images: readonly {
    readonly title: string
    readonly values: readonly number[]
    /** What training (or stepping) changed: these weights minus the seed's; null while they are the seed's. */
    readonly change: readonly number[] | null
    /** The bias of that output or unit. */
    readonly bias: number
    /** simple_net: the weight the output layer gives this hidden unit (its vote); null for linear. */
    readonly vote: number | null
  }[]
  /** The largest |weight| over all images, and the largest |change|, for one colour scale each. */
  readonly limit: number
  readonly changeLimit: number
}

export const SaliencyRequestSchema = v.object({ model: labModelKind, image: ImageRefSchema })
export type SaliencyRequest = v.InferOutput<typeof SaliencyRequestSchema>

/** One pixel's saliency by autograd and by central differences of the score. */
export interface SaliencyCheck {
  readonly pixel: number
  readonly autograd: number
  readonly numeric: number
  /** Moving the pixel by the step crossed a ReLU's kink: the difference cannot judge it. */
  readonly kink: boolean
}

/** Panel 7: how much each pixel moves the predicted class's score: ∂score/∂pixel, by autograd. */
export interface SaliencyReply {
  readonly image: LabImage
  readonly model: LabModelStatus
  readonly prediction: number
  /** The score differentiated: the predicted class's logit, or ±z for one output (z for the first class). */
  readonly score: { readonly name: string; readonly value: number }
  /** ∂score/∂pixel for every pixel (pixels in 0..1). */
  readonly saliency: readonly number[]
  /** Central differences (step ±eps) at the most salient pixels and a few others. */
  readonly check: { readonly eps: number; readonly pixels: readonly SaliencyCheck[]; readonly worstAbsolute: number }
}

/** The model ladder's rungs, simplest first: the chapter's models on the same split and seed. */
export const LADDER_KINDS = ['pixel', 'linear', 'simple_net', 'cnn', 'resnet18'] as const
export type LadderKind = (typeof LADDER_KINDS)[number]

export const LabTrainRequestSchema = v.object({
  models: v.pipe(v.array(v.picklist(LADDER_KINDS)), v.minLength(1), v.maxLength(LADDER_KINDS.length)),
  /** The chapter's epochs and settings for each model, or one epoch each (quicker). */
  epochs: v.picklist(['chapter', 'one']),
})
export type LabTrainRequest = v.InferOutput<typeof LabTrainRequestSchema>

/** One rung of the ladder: how its model was trained, and how it did. */
export interface LadderRow {
  readonly kind: LadderKind
  readonly status: 'not run' | 'queued' | 'training' | 'done' | 'stopped' | 'diverged' | 'failed'
  /** Optimizer, learning rate, epochs, batch size and loss, in a line. */
  readonly recipe: string
  readonly parameters: number | null
  readonly seconds: number | null
  /** Validation accuracy after the last epoch trained. */
  readonly accuracy: number | null
  readonly epochs: number
  readonly epochsDone: number
  /** Share of the run done, while it trains. */
  readonly progress: number | null
  /** Why it stopped or failed, where it did. */
  readonly message: string
}

/** The ladder: a row per model, filled as runs finish, one after another in worker threads. */
export interface LadderView {
  readonly running: boolean
  readonly seed: number
  readonly rows: readonly LadderRow[]
}

/** What the Lab tells the renderer unasked: the ladder as its runs progress. */
export type LabEvent = { readonly kind: 'ladder'; readonly ladder: LadderView }

/** The argument schemas of the Lab's api functions; `api.ts` spreads them into the app's. */
export const LAB_ARGS = {
  labPixels: v.tuple([ImageRefSchema]),
  labSgd: v.tuple([SgdRequestSchema]),
  labDerivative: v.tuple([DerivativeRequestSchema]),
  labGraph: v.tuple([GraphRequestSchema]),
  labStep: v.tuple([StepRequestSchema]),
  labResetModel: v.tuple([v.object({ model: labModelKind })]),
  labNudge: v.tuple([NudgeRequestSchema]),
  labWeights: v.tuple([v.object({ model: labModelKind })]),
  labSaliency: v.tuple([SaliencyRequestSchema]),
  labTrain: v.tuple([LabTrainRequestSchema]),
  labStopTraining: v.tuple([]),
  labLadder: v.tuple([]),
  labBroadcast: v.tuple([v.object({ label: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)) })]),
} as const satisfies Record<LabApiName, v.GenericSchema<unknown[]>>

/** What each Lab api function answers. */
export interface LabReplies {
  labPixels: PixelsReply
  labBroadcast: BroadcastReply
  labSgd: SgdReply
  labDerivative: DerivativeReply
  labGraph: GraphReply
  labStep: StepReply
  labResetModel: LabModelStatus
  labNudge: NudgeReply
  labWeights: WeightsReply
  labSaliency: SaliencyReply
  labTrain: LadderView
  labStopTraining: LadderView
  labLadder: LadderView
}
