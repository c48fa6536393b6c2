/**
 * Deliberately plain reference implementations, one index at a time in float64, written apart from
 * the engine's strided fast paths so the property tests compare two independent computations.
 */

/** The multi-index of flat position `flat` in a row-major array of `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length)
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis]
    flat = Math.floor(flat / shape[axis])
  }
  return index
}

/** The flat row-major position of `index` in `shape`. */
export function ravel(index: readonly number[], shape: readonly number[]): number {
  return index.reduce((flat, i, axis) => flat * shape[axis] + i, 0)
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1)
}

/** NumPy's broadcasting rule as its documentation states it: pad with leading 1s, then each pair is equal or has a 1. */
export function numpyBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length)
  const pa = [...new Array<number>(rank - a.length).fill(1), ...a]
  const pb = [...new Array<number>(rank - b.length).fill(1), ...b]
  const out: number[] = []
  for (let i = 0; i < rank; i++) {
    if (pa[i] !== pb[i] && pa[i] !== 1 && pb[i] !== 1) return null
    out.push(pa[i] === 1 ? pb[i] : pa[i])
  }
  return out
}

/** Flat position in an input of `shape` that output position `outIndex` reads under broadcasting. */
export function broadcastSource(outIndex: readonly number[], shape: readonly number[]): number {
  const offset = outIndex.length - shape.length
  return ravel(shape.map((dim, axis) => (dim === 1 ? 0 : outIndex[axis + offset])), shape)
}

/** `f(a, b)` elementwise under broadcasting. */
export function zipBroadcast(
  a: ArrayLike<number>, aShape: readonly number[], b: ArrayLike<number>, bShape: readonly number[],
  f: (x: number, y: number) => number,
): { shape: number[]; values: number[] } {
  const shape = numpyBroadcast(aShape, bShape)
  if (!shape) throw new Error('not broadcastable')
  const values = Array.from({ length: sizeOf(shape) }, (_, flat) => {
    const index = unravel(flat, shape)
    return f(a[broadcastSource(index, aShape)], b[broadcastSource(index, bShape)])
  })
  return { shape, values }
}

/** Sum of `upstream` (laid out as `outShape`) over every output position that read each input element. */
export function unbroadcastSum(upstream: ArrayLike<number>, outShape: readonly number[], shape: readonly number[]): number[] {
  const sums = new Array<number>(sizeOf(shape)).fill(0)
  for (let flat = 0; flat < upstream.length; flat++) sums[broadcastSource(unravel(flat, outShape), shape)] += upstream[flat]
  return sums
}

/** Sum over `axes` (all when null), in float64, with the reduced axes kept as 1 or dropped. */
export function reduceSum(values: ArrayLike<number>, shape: readonly number[], axes: readonly number[] | null, keepDim: boolean): { shape: number[]; values: number[] } {
  const reduced = (axis: number): boolean => axes === null || axes.includes(axis)
  const kept = shape.map((dim, axis) => (reduced(axis) ? 1 : dim))
  const sums = new Array<number>(sizeOf(kept)).fill(0)
  for (let flat = 0; flat < values.length; flat++) {
    const index = unravel(flat, shape).map((i, axis) => (reduced(axis) ? 0 : i))
    sums[ravel(index, kept)] += values[flat]
  }
  return { shape: keepDim ? kept : shape.filter((_, axis) => !reduced(axis)), values: sums }
}

/** log-softmax of each `axis` line, in float64 with the max subtracted: the textbook stable formula. */
export function logSoftmax(values: ArrayLike<number>, shape: readonly number[], axis: number): number[] {
  const out = new Array<number>(values.length)
  for (let flat = 0; flat < values.length; flat++) {
    const index = unravel(flat, shape)
    const line = Array.from({ length: shape[axis] }, (_, k) => values[ravel(index.map((v, a) => (a === axis ? k : v)), shape)])
    const peak = Math.max(...line)
    out[flat] = values[flat] - peak - Math.log(line.reduce((s, v) => s + Math.exp(v - peak), 0))
  }
  return out
}
