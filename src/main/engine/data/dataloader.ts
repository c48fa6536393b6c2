import { allocateKernelArray } from '../kernels'
import { Random, type RandomState } from '../random'
import type { Batch, Dataset } from './dataset'

export interface DataLoaderOptions {
  readonly batchSize: number
  /** Draw a new order each epoch from `seed` (fastai shuffles training, not validation). */
  readonly shuffle?: boolean
  readonly seed?: number
}

/** Where a loader's shuffle stands: the next epoch draws its order from here (and its augmentation, if any, its transforms). */
export interface DataLoaderState {
  readonly random: RandomState
  readonly augment?: RandomState
}

/**
 * Mini-batches over a dataset. Iterating it runs one epoch; the last partial batch is kept.
 * With `shuffle`, epoch e always gets the same order for the same seed.
 */
export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number
  readonly shuffle: boolean
  private readonly random: Random
  private inputs: Float32Array | null = null

  constructor(readonly dataset: Dataset, options: DataLoaderOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new Error(`batch size must be a positive whole number, got ${options.batchSize}`)
    }
    this.batchSize = options.batchSize
    this.shuffle = options.shuffle ?? false
    this.random = new Random(options.seed ?? 0)
  }

  /** Number of batches in one epoch. */
  get length(): number {
    return Math.ceil(this.dataset.length / this.batchSize)
  }

  /** The shuffle's state between epochs, for saving a run. */
  state(): DataLoaderState {
    const augment = this.dataset.randomState?.()
    return augment ? { random: this.random.state(), augment } : { random: this.random.state() }
  }

  /**
   * Resume from a saved state: the next epoch gets the order (and the augmented images) it would have had in the
   * uninterrupted run. A state saved without augmentation's stream (an older project) leaves that stream as it is.
   */
  loadState(state: DataLoaderState): void {
    this.random.setState(state.random)
    if (state.augment) this.dataset.loadRandomState?.(state.augment)
  }

  *[Symbol.iterator](): Iterator<Batch> {
    yield* this.batches()
  }

  /**
   * One epoch, as iterating the loader. With `reuseInputs`, every batch's inputs are written into one array the
   * loader keeps, in the kernels' memory (which the model's first layer then reads without a copy): a batch is
   * valid only until the next one is drawn, which suits a loop that is done with each batch before the next.
   */
  *batches(options: { readonly reuseInputs?: boolean } = {}): Generator<Batch> {
    const n = this.dataset.length
    const order = this.shuffle ? this.random.permutation(n) : Int32Array.from({ length: n }, (_, i) => i)
    for (let start = 0; start < n; start += this.batchSize) {
      const rows = order.subarray(start, Math.min(n, start + this.batchSize))
      const batch = this.dataset.batch(rows, options.reuseInputs ? this.inputs ?? undefined : undefined)
      // The first batch is the largest, so it sizes the array every later one is written into.
      if (options.reuseInputs && !this.inputs) this.inputs = allocateKernelArray(batch.x.size)
      yield batch
    }
  }
}

/** A training and a validation loader, as fastai's `DataLoaders`. */
export interface DataLoaders {
  readonly train: DataLoader
  readonly valid: DataLoader
}
