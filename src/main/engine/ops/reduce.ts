import { record } from '../autograd'
import { broadcastStrides, forEachIndex, normalizeAxes, normalizeAxis, reducedShape, sizeOf, stridesOf } from '../shape'
import { Tensor } from '../tensor'

/** Sum over `axes` (all when undefined), accumulating in float64 so long sums stay accurate. */
function sumValues(x: Tensor, axes: readonly number[]): Float64Array {
  const keptShape = reducedShape(x.shape, axes, true)
  const out = new Float64Array(sizeOf(keptShape))
  const src = x.data
  if (out.length === 1) {
    let total = 0
    for (let i = 0; i < src.length; i++) total += src[i]
    out[0] = total
    return out
  }
  if (axes.length > 0 && axes.every((axis, i) => axis === axes[0] + i)) {
    // Adjacent axes (a bias gradient's rows, a mean over pixels): the walk below as plain loops, in its order.
    const outer = sizeOf(x.shape.slice(0, axes[0]))
    const n = sizeOf(x.shape.slice(axes[0], axes[0] + axes.length))
    const inner = sizeOf(x.shape.slice(axes[0] + axes.length))
    for (let o = 0, flat = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) {
        for (let i = 0, at = o * inner; i < inner; i++, at++, flat++) out[at] += src[flat]
      }
    }
    return out
  }
  forEachIndex(x.shape, broadcastStrides(keptShape, x.shape), (flat, offset) => {
    out[offset] += src[flat]
  })
  return out
}

// d Σa = 1·dΣ, broadcast back over the summed axes
export function sum(x: Tensor, axes?: number | readonly number[], keepDim = false): Tensor {
  const resolved = normalizeAxes(axes, x.rank)
  const out = new Tensor(new Float32Array(sumValues(x, resolved)), reducedShape(x.shape, resolved, keepDim))
  const keptShape = reducedShape(x.shape, resolved, true)
  return record(out, 'ReduceSum', [x], (g) => [g.reshape(...keptShape).expand(...x.shape)])
}

// d mean(a) = dmean / n, broadcast back over the averaged axes
export function mean(x: Tensor, axes?: number | readonly number[], keepDim = false): Tensor {
  const resolved = normalizeAxes(axes, x.rank)
  const count = resolved.reduce((n, axis) => n * x.shape[axis], 1)
  const sums = sumValues(x, resolved)
  const values = new Float32Array(sums.length)
  for (let i = 0; i < sums.length; i++) values[i] = sums[i] / count
  const out = new Tensor(values, reducedShape(x.shape, resolved, keepDim))
  const keptShape = reducedShape(x.shape, resolved, true)
  return record(out, 'ReduceMean', [x], (g) => [g.reshape(...keptShape).div(count).expand(...x.shape)])
}

/** View `x` as (outer, n, inner) around `axis`: the layout every per-axis op walks. */
export function axisLayout(shape: readonly number[], axis: number): { outer: number; n: number; inner: number } {
  const a = normalizeAxis(axis, shape.length)
  return { outer: sizeOf(shape.slice(0, a)), n: shape[a], inner: stridesOf(shape)[a] }
}

/** Position of the largest value along `axis` (the first one on ties). */
function argmaxValues(x: Tensor, axis: number): Int32Array {
  const { outer, n, inner } = axisLayout(x.shape, axis)
  if (n === 0) throw new Error(`max/argmax over axis ${axis} of length 0`)
  const src = x.data
  const out = new Int32Array(outer * inner)
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i
      let best = 0
      let bestValue = src[base]
      for (let k = 1; k < n; k++) {
        const v = src[base + k * inner]
        if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
          best = k
          bestValue = v
        }
      }
      out[o * inner + i] = best
    }
  }
  return out
}

// d max(a) = da at the position of the maximum, 0 elsewhere
export function max(x: Tensor, axis: number, keepDim = false): Tensor {
  const a = normalizeAxis(axis, x.rank)
  const { n, inner } = axisLayout(x.shape, a)
  const positions = argmaxValues(x, a)
  const values = new Float32Array(positions.length)
  const sourceIndex = new Int32Array(positions.length)
  for (let j = 0; j < positions.length; j++) {
    const o = Math.floor(j / inner)
    sourceIndex[j] = o * n * inner + positions[j] * inner + (j % inner)
    values[j] = x.data[sourceIndex[j]]
  }
  const out = new Tensor(values, reducedShape(x.shape, [a], keepDim))
  return record(out, 'ReduceMax', [x], (g) => {
    const grad = new Float32Array(x.size)
    for (let j = 0; j < sourceIndex.length; j++) grad[sourceIndex[j]] = g.data[j]
    return [new Tensor(grad, x.shape)]
  })
}

/** Indices of the maxima along `axis`, as float values (no gradient). */
export function argmax(x: Tensor, axis: number, keepDim = false): Tensor {
  const a = normalizeAxis(axis, x.rank)
  return new Tensor(Float32Array.from(argmaxValues(x, a)), reducedShape(x.shape, [a], keepDim))
}
