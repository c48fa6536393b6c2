import type { Tensor } from '../../engine/tensor'
import type { TensorSummary } from '../../../shared/lab'

/** A tensor as a panel shows it: its first values and range, and its first image where it holds images of `imageSize` pixels. */
export function summarize(t: Tensor, imageSize: number): TensorSummary {
  let [min, max, sum, squares] = [Infinity, -Infinity, 0, 0]
  for (const v of t.data) {
    if (v < min) min = v
    if (v > max) max = v
    sum += v
    squares += v * v
  }
  const image = t.size >= imageSize && t.size % imageSize === 0 ? Array.from(t.data.subarray(0, imageSize)) : null
  return { shape: [...t.shape], values: Array.from(t.data.subarray(0, 8)), min, max, mean: sum / Math.max(1, t.size), norm: Math.sqrt(squares), image }
}
