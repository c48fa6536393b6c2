import type { DerivativeFunction, ImageRef, Quadratic } from './lab'

/* The replies of the Lab's panels on pixels and gradients (1–4); their requests are in `lab.ts`. */

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
  /** Validation images of the class against every class's mean at once, to the class's accuracy on them. */
  readonly verdict: readonly TracedStep[]
  readonly accuracy: number
  /** How many of the class's validation images the verdict took (all, unless many classes would make it slow). */
  readonly verdictImages: number
  readonly classImages: number
  /** Bytes that copying the mean image once per validation image would have taken: broadcasting copies nothing. */
  readonly copyBytesAvoided: number
  readonly milliseconds: number
}

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
