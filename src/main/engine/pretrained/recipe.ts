import { defaultTrainingConfig, type StartingPointId, type TrainingConfig } from '../../../shared/training'
import type { DigitDataset } from '../data/dataset'
import type { Learner, LearnerCallback } from '../learner/learner'
import { kernelProvider, useBitExactKernels, useProvider } from '../kernels'
import { createLearner, fitFromConfig } from '../learner/recipe'

/** How a starting point is made: its name, the config trained on MNIST's 60,000 training images, and its checked prefix. */
export interface PretrainRecipe {
  readonly id: StartingPointId
  readonly name: string
  readonly config: TrainingConfig
  /** The test retrains this many batches of the recipe and compares the weights with the manifest's `prefix.sha256`. */
  readonly prefixBatches: number
}

// NOTE: augmentation (rotation ±10°, shift ±3 px, scale 0.5–1.1) makes the starting point read digits that are
// off-centre, tilted or smaller than MNIST's, as a person's own scans and crops with wide margins are: without
// it, digits at ~60% of MNIST's size were read at 0.63 (see docs/FINE_TUNING.md).
/** The recipes of the built-in starting points. */
export const PRETRAIN_RECIPES: Readonly<Record<StartingPointId, PretrainRecipe>> = {
  'mnist-cnn': {
    id: 'mnist-cnn',
    name: 'MNIST CNN',
    config: { ...defaultTrainingConfig('cnn', 10), epochs: 3, augment: true, augmentation: { maxRotate: 10, maxShift: 3, scaleRange: [0.5, 1.1] }, kernels: 'wasm' },
    prefixBatches: 40,
  },
}

/**
 * Train a recipe on MNIST's training images: all of it, or only its first `stopAfterBatches` batches (the
 * prefix a test retrains). The same recipe gives the same bits on any number of threads.
 */
export async function trainRecipe(recipe: PretrainRecipe, mnist: DigitDataset, options: { readonly stopAfterBatches?: number; readonly callbacks?: readonly LearnerCallback[]; readonly onPrefix?: (learner: Learner) => void } = {}): Promise<Learner> {
  // NOTE: pinned to the bit-exact WebAssembly kernels (the native ones give bits of the CPU and thread count), so
  // the recipe retrains to the shipped bits anywhere; the kernels in use before are put back after.
  const before = kernelProvider()
  useBitExactKernels()
  const stop = new AbortController()
  let batches = 0
  let learner: Learner | null = null
  const counter: LearnerCallback = {
    afterBatch: () => {
      batches++
      if (batches === recipe.prefixBatches) options.onPrefix?.(learner!)
      if (batches === options.stopAfterBatches) stop.abort()
    },
  }
  try {
    learner = createLearner(mnist, recipe.config, [counter, ...(options.callbacks ?? [])])
    await fitFromConfig(learner, recipe.config, stop.signal)
    return learner
  } finally {
    if (before !== 'mixed') useProvider(before)
  }
}

/** A learner's weights and buffers with their shapes, as a starting point stores them. */
export function stateWithShapes(learner: Learner): { state: Record<string, Float32Array>; shapes: Record<string, readonly number[]> } {
  const tensors = [...learner.model.namedParameters(), ...learner.model.namedBuffers()]
  return {
    state: Object.fromEntries(tensors.map(([name, t]) => [name, t.data.slice()])),
    shapes: Object.fromEntries(tensors.map(([name, t]) => [name, [...t.shape]])),
  }
}
