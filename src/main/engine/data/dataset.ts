import { kernelBytes, kernels } from '../kernels'
import { Tensor } from '../tensor'
import type { RandomState } from '../random'
import type { RandomAffine } from './augment'

/** Images of one split: `count` grayscale images of `height`×`width` uint8 pixels, and a class index each. */
export interface ImageSplit {
  readonly pixels: Uint8Array
  readonly labels: Int32Array
  readonly count: number
}

/**
 * A labelled digit dataset as every part of Digit Lab holds it: uint8 pixels in MNIST polarity
 * (ink bright, background 0), class indices into `labelNames`, and a train/valid split.
 */
export interface DigitDataset {
  readonly name: string
  readonly labelNames: readonly string[]
  readonly height: number
  readonly width: number
  readonly train: ImageSplit
  readonly valid: ImageSplit
}

/** One mini-batch: inputs and targets. */
export interface Batch {
  readonly x: Tensor
  readonly y: Tensor
}

/** Anything a DataLoader can batch: a length and a way to gather rows. */
export interface Dataset {
  readonly length: number
  /** The rows at `indices`; the inputs go into `into` when it is given and large enough (x then shares it). */
  batch(indices: ArrayLike<number>, into?: Float32Array): Batch
  /** Where the random stream of a dataset that serves rows at random (augmentation) stands; none for others. */
  randomState?(): RandomState | null
  /** Continue that stream from a state `randomState()` returned. */
  loadRandomState?(state: RandomState): void
}

/**
 * How targets are shaped for the loss: `binary` gives (n, 1) with 1 for the first class and 0
 * otherwise (the chapter's "1 for a 3"), for one-logit models; `class` gives (n,) class indices.
 */
export type TargetKind = 'binary' | 'class'

/**
 * An image split served as (n, 1, h, w) float inputs in 0..1 and targets of the given kind;
 * with `augment` (training splits only) every image is served through a fresh random affine.
 */
export class ImageDataset implements Dataset {
  readonly length: number
  private readonly imageSize: number
  private kernelPixels: Uint8Array | null = null

  constructor(
    readonly split: ImageSplit,
    readonly height: number,
    readonly width: number,
    readonly targetKind: TargetKind,
    readonly augment: RandomAffine | null = null,
  ) {
    this.length = split.count
    this.imageSize = height * width
  }

  batch(indices: ArrayLike<number>, into?: Float32Array): Batch {
    const n = indices.length
    const size = this.imageSize
    const reusing = into !== undefined && into.length >= n * size
    const x = reusing ? into.subarray(0, n * size) : new Float32Array(n * size)
    const y = new Float32Array(n)
    const { labels } = this.split
    // NOTE: a loop drawing batch after batch (the Learner's) reads the pixels from a copy in the kernels' memory,
    // made on its first batch: rows picked at random are read side by side there, faster than row by row here.
    if (reusing) this.kernelPixels ??= kernelBytes(this.split.pixels)
    kernels.gatherUnit(this.kernelPixels ?? this.split.pixels, indices, size, x)
    for (let r = 0; r < n; r++) {
      const i = indices[r]
      y[r] = this.targetKind === 'binary' ? (labels[i] === 0 ? 1 : 0) : labels[i]
    }
    if (this.augment) {
      const original = x.slice()
      for (let r = 0; r < n; r++) this.augment.apply(original, r * size, x, r * size, this.height, this.width)
    }
    const targetShape = this.targetKind === 'binary' ? [n, 1] : [n]
    return { x: new Tensor(x, [n, 1, this.height, this.width]), y: new Tensor(y, targetShape) }
  }

  randomState(): RandomState | null {
    return this.augment?.state() ?? null
  }

  loadRandomState(state: RandomState): void {
    if (!this.augment) throw new Error('this dataset draws no random transforms, so it has no random state to load')
    this.augment.loadState(state)
  }
}

/** Rows of an input tensor paired with rows of a target tensor (the chapter's `zip(x, y)`). */
export class TensorDataset implements Dataset {
  readonly length: number

  constructor(readonly x: Tensor, readonly y: Tensor) {
    if (x.shape[0] !== y.shape[0]) throw new Error(`TensorDataset: ${x.shape[0]} inputs but ${y.shape[0]} targets`)
    this.length = x.shape[0]
  }

  batch(indices: ArrayLike<number>): Batch {
    return { x: this.x.take(indices).detach(), y: this.y.take(indices).detach() }
  }
}
