import * as v from 'valibot'
import type { LabApiName } from './lab-channels'
import type { BroadcastReply, DerivativeReply, PixelsReply, SgdReply } from './lab-replies'
import type { GraphReply, LabModelStatus, LadderView, NudgeReply, SaliencyReply, StepReply, WeightsReply } from './lab-model-replies'

export type * from './lab-replies'
export type * from './lab-model-replies'

const finite = v.pipe(v.number(), v.finite())
const seed = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))
const index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000_000))

/** One image of the open dataset: its split and its position there. */
export const ImageRefSchema = v.object({ split: v.picklist(['train', 'valid']), index })
export type ImageRef = v.InferOutput<typeof ImageRefSchema>

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

/** The models the Lab keeps on the open dataset, to step, inspect and train: the chapter's two. */
export const LAB_MODEL_KINDS = ['linear', 'simple_net'] as const
export type LabModelKind = (typeof LAB_MODEL_KINDS)[number]
const labModelKind = v.picklist(LAB_MODEL_KINDS)

/**
 * The models the panels that look inside one (Learned, Graph) can show: the Train view's last run on the open
 * dataset (`trained`, any architecture), or one of the Lab's own.
 */
export const LAB_VIEW_MODELS = ['trained', ...LAB_MODEL_KINDS] as const
export type LabViewModel = (typeof LAB_VIEW_MODELS)[number]
const labViewModel = v.picklist(LAB_VIEW_MODELS)

export const GraphRequestSchema = v.object({
  model: labViewModel,
  image: ImageRefSchema,
  /** Also compare every node's gradient with central finite differences. */
  check: v.boolean(),
})
export type GraphRequest = v.InferOutput<typeof GraphRequestSchema>

export const StepRequestSchema = v.object({
  model: labModelKind,
  lr: v.pipe(v.number(), v.gtValue(0), v.maxValue(100)),
  batchSize: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2048)),
  /** Mini-batches to take now (the reply details the last). */
  steps: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
})
export type StepRequest = v.InferOutput<typeof StepRequestSchema>

export const NudgeRequestSchema = v.object({
  /** The weight to nudge: an output (class) and a pixel; null for the one the loss is most sensitive to. */
  weight: v.nullable(v.object({ output: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)), pixel: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)) })),
  /** How far to nudge it, each way. */
  range: v.pipe(v.number(), v.gtValue(0), v.maxValue(100)),
  /** The nudge to show before and after (within the range). */
  delta: v.pipe(v.number(), v.minValue(-100), v.maxValue(100)),
})
export type NudgeRequest = v.InferOutput<typeof NudgeRequestSchema>

export const SaliencyRequestSchema = v.object({ model: labViewModel, image: ImageRefSchema })
export type SaliencyRequest = v.InferOutput<typeof SaliencyRequestSchema>

/** The model ladder's rungs, simplest first: the chapter's models on the same split and seed. */
export const LADDER_KINDS = ['pixel', 'linear', 'simple_net', 'cnn', 'resnet18'] as const
export type LadderKind = (typeof LADDER_KINDS)[number]

export const LabTrainRequestSchema = v.object({
  models: v.pipe(v.array(v.picklist(LADDER_KINDS)), v.minLength(1), v.maxLength(LADDER_KINDS.length)),
  /** The chapter's epochs and settings for each model, or one epoch each (quicker). */
  epochs: v.picklist(['chapter', 'one']),
})
export type LabTrainRequest = v.InferOutput<typeof LabTrainRequestSchema>

/**
 * What the Lab tells the renderer unasked: the ladder as its runs progress, and how far the pixel-similarity
 * baseline (panel 1) has measured the validation images (`done` of `total` images, each by L1 and RMSE at once).
 */
export type LabEvent =
  | { readonly kind: 'ladder'; readonly ladder: LadderView }
  | { readonly kind: 'baseline'; readonly done: number; readonly total: number }

/** The argument schemas of the Lab's api functions; `api.ts` spreads them into the app's. */
export const LAB_ARGS = {
  labPixels: v.tuple([ImageRefSchema]),
  labSgd: v.tuple([SgdRequestSchema]),
  labDerivative: v.tuple([DerivativeRequestSchema]),
  labGraph: v.tuple([GraphRequestSchema]),
  labStep: v.tuple([StepRequestSchema]),
  labResetModel: v.tuple([v.object({ model: labModelKind })]),
  labNudge: v.tuple([NudgeRequestSchema]),
  labWeights: v.tuple([v.object({ model: labViewModel })]),
  labSaliency: v.tuple([SaliencyRequestSchema]),
  labTrain: v.tuple([LabTrainRequestSchema]),
  labStopTraining: v.tuple([]),
  labLadder: v.tuple([]),
  labBroadcast: v.tuple([v.object({ label: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)) })]),
} as const satisfies Record<LabApiName, v.GenericSchema<unknown[]>>

/** The arguments of a Lab api function, as its schema above checks them. */
export type LabArgs<K extends LabApiName> = v.InferOutput<(typeof LAB_ARGS)[K]>

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
