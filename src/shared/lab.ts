import * as v from 'valibot'
import type { LabApiName } from './lab-channels'

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

/** The argument schemas of the Lab's api functions; `api.ts` spreads them into the app's. */
export const LAB_ARGS = {
  labPixels: v.tuple([ImageRefSchema]),
  labBroadcast: v.tuple([v.object({ label: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)) })]),
} as const satisfies Record<LabApiName, v.GenericSchema<unknown[]>>

/** What each Lab api function answers. */
export interface LabReplies {
  labPixels: PixelsReply
  labBroadcast: BroadcastReply
}
