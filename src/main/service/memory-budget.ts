import { totalmem } from 'node:os'
import type { MemoryEstimate } from '../engine/learner/memory'

/** The share of this computer's memory a training run may plan to use, unless a budget is set. */
export const DEFAULT_MEMORY_SHARE = 0.5

/** The default budget: half of this computer's memory. */
export function defaultMemoryBudget(): number {
  return Math.floor(totalmem() * DEFAULT_MEMORY_SHARE)
}

const MB = 2 ** 20
/** Bytes for people: "740 MB", "7.9 GB". */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * MB ? `${(bytes / (1024 * MB)).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / MB))} MB`
}

/** A run refused before it started because it would not fit in memory. */
export class MemoryBudgetError extends Error {
  override readonly name = 'MemoryBudgetError'
}

/**
 * Refuse a run whose estimate exceeds the budget, saying what it would need, part by part, and
 * what to do: the largest batch size that fits, or a smaller model.
 */
export function checkMemoryBudget(estimate: MemoryEstimate, budget: number): void {
  if (estimate.total <= budget) return
  const withoutBatch = estimate.total - estimate.activations + (estimate.activations - estimate.bytesPerImage * estimate.batchSize)
  const fittingBatch = estimate.bytesPerImage > 0 ? Math.floor((budget - withoutBatch) / estimate.bytesPerImage) : 0
  const parts = [
    `weights and gradients ${formatBytes(estimate.weights + estimate.gradients)}`,
    `optimizer state ${formatBytes(estimate.optimizerState)}`,
    `activations for a batch of ${estimate.batchSize} ${formatBytes(estimate.activations)}`,
    `dataset ${formatBytes(estimate.dataset)}`,
  ]
  const advice = fittingBatch >= 1 ? `lower the batch size to ${fittingBatch} or less, or pick a smaller model` : 'pick a smaller model (or a smaller dataset)'
  throw new MemoryBudgetError(
    `this run would need about ${formatBytes(estimate.total)} of memory (${parts.join(', ')}), more than the ${formatBytes(budget)} Digit Lab allows itself: ${advice}`,
  )
}
