import type { LabImage } from './lab-replies'
import type { LabViewModel, LadderKind } from './lab'

/* The replies of the Lab's panels on models (5–9); their requests are in `lab.ts`. */

/** Where one of the Lab's models stands. */
export interface LabModelStatus {
  readonly kind: LabViewModel
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
  /** √Σv²: the L2 norm (of a gradient, how hard the loss pulls on the tensor). */
  readonly norm: number
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

/**
 * The relative error below which a central difference of a float32 loss agrees with autograd: a few percent, as
 * the rounding of a trained model's small slopes allows (an untrained model's agree to well under 1%).
 */
export const GRADIENT_AGREEMENT = 0.05

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

/**
 * Panel 7: a model's first-layer weights, one image per output (linear), hidden unit (simple_net) or filter (a
 * CNN's k×k kernels); for a CNN also its output layer's weights, one row per class.
 */
export interface WeightsReply {
  readonly model: LabModelStatus
  /** The parameter shown (`1.weight`). */
  readonly name: string
  /** Values per row of each image: the image's width (28) or the kernel's (3). */
  readonly width: number
  readonly images: readonly {
    readonly title: string
    readonly values: readonly number[]
    /** What training (or stepping) changed: these weights minus the seed's; null while they are the seed's, or the start is unknown. */
    readonly change: readonly number[] | null
    /** The bias of that output or unit; null for a layer without one (a convolution before a batch norm). */
    readonly bias: number | null
    /** simple_net: the weight the output layer gives this hidden unit (its vote); null for linear. */
    readonly vote: number | null
  }[]
  /** The largest |weight| over all images, and the largest |change|, for one colour scale each. */
  readonly limit: number
  readonly changeLimit: number
  /** A CNN's output layer (`13.weight`): `titles.length` classes × `features` weights, row-major, and the largest |weight|. */
  readonly output: { readonly name: string; readonly titles: readonly string[]; readonly features: number; readonly values: readonly number[]; readonly limit: number } | null
}

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
  /** Who trained it: the ladder, or a run of the Train view on this dataset (the last one of this kind). */
  readonly from: 'ladder' | 'train-view'
}

/** The ladder: a row per model, filled as runs finish, one after another in worker threads. */
export interface LadderView {
  readonly running: boolean
  /** The model the Train view's last run on this dataset left (the `run`-th taken), which Learned and Graph open on; null before one. */
  readonly trained: { readonly run: number; readonly model: LabModelStatus } | null
  readonly seed: number
  readonly rows: readonly LadderRow[]
}
