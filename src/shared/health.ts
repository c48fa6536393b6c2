/** An image a health warning points at: where it is, and its 28×28 pixels (base64) to show. */
export interface HealthImage {
  readonly split: 'train' | 'valid'
  readonly index: number
  readonly source: string
  readonly pixels: string
}

/**
 * Something about a dataset that makes training or its accuracy misleading, found on import: a class with
 * very few images, classes far apart in size, or the same image in both training and validation (exact,
 * or near-exact once brought to 28×28) — leakage that inflates accuracy.
 */
export type HealthWarning =
  | { readonly kind: 'few-images'; readonly label: string; readonly count: number; readonly images: readonly HealthImage[] }
  | { readonly kind: 'imbalance'; readonly largest: { readonly label: string; readonly count: number }; readonly smallest: { readonly label: string; readonly count: number } }
  | {
      readonly kind: 'duplicates'
      readonly exact: boolean
      /** Each pair: the training image and its copy in validation. */
      readonly pairs: readonly { readonly train: HealthImage; readonly valid: HealthImage }[]
    }
  /** Near-exact copies were searched only so far: the dataset is too large to compare in the time an import may take. */
  | { readonly kind: 'near-unchecked'; readonly searched: number; readonly valid: number }

/** A class with fewer images than this (both splits) is "very few". */
export const FEW_IMAGES = 10
/** Among the other classes, largest ÷ smallest at or above this is "strong imbalance". */
export const IMBALANCE_RATIO = 4
/** Mean absolute difference (0..255) under which two 28×28 images are "near-exact" copies… */
export const NEAR_DIFFERENCE = 4
/** …when it is also under this share of their mean brightness (thin strokes, such as 1s, differ by little in absolute terms). */
export const NEAR_SHARE = 0.1
/** Candidate pairs the near-exact search compares at most, so an import stays quick (MNIST's 60,000 × 10,000 would take about a minute). */
export const NEAR_BUDGET = 3_000_000
