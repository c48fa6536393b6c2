/** A tensor's shape: one size per axis, outermost first. */
export type Shape = readonly number[]

/** Number of elements a tensor of this shape holds. */
export function sizeOf(shape: Shape): number {
  let size = 1
  for (const dim of shape) size *= dim
  return size
}

/** Row-major (C order) strides of a contiguous tensor of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length)
  let stride = 1
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride
    stride *= shape[axis]
  }
  return strides
}

/** `(2, 3, 4)` — how shapes read in every message. */
export function formatShape(shape: Shape): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i])
}

/** NumPy broadcasting: align trailing axes; each pair must be equal or contain a 1. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length)
  const out = new Array<number>(rank)
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (axis ${i - rank}: ${da} vs ${db})`)
    }
    out[i] = da === 1 ? db : da
  }
  return out
}

/** Strides that read `shape` as if it were broadcast to `target` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape)
  const offset = target.length - shape.length
  return target.map((_, axis) => {
    const i = axis - offset
    return i < 0 || shape[i] === 1 ? 0 : own[i]
  })
}

/** Resolve a possibly negative axis against a rank, naming both when it is out of range. */
export function normalizeAxis(axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const valid = rank === 0 ? 'a zero-rank tensor has no axes' : `valid: ${-rank}..${rank - 1}`
    throw new Error(`axis ${axis} is out of range for a tensor of rank ${rank} (${valid})`)
  }
  return axis < 0 ? axis + rank : axis
}

/** Resolve a list of axes (undefined = all), sorted and without repeats. */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i)
  const list = typeof axes === 'number' ? [axes] : axes
  const resolved = list.map((axis) => normalizeAxis(axis, rank))
  if (new Set(resolved).size !== resolved.length) throw new Error(`axis repeated in [${list.join(', ')}]`)
  return resolved.sort((x, y) => x - y)
}

/** Shape after reducing `axes`, keeping them as size 1 when `keepDim`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDim: boolean): number[] {
  const out: number[] = []
  shape.forEach((dim, axis) => {
    if (!axes.includes(axis)) out.push(dim)
    else if (keepDim) out.push(1)
  })
  return out
}

/** Fill in a single `-1` in a requested shape and check the element count matches. */
export function resolveReshape(from: Shape, requested: readonly number[]): number[] {
  const size = sizeOf(from)
  const unknown = requested.filter((dim) => dim === -1).length
  if (unknown > 1) throw new Error(`reshape ${formatShape(from)} to ${formatShape(requested)}: only one -1 allowed`)
  const known = requested.reduce((acc, dim) => (dim === -1 ? acc : acc * dim), 1)
  const out = requested.map((dim) => (dim === -1 ? (known === 0 ? 0 : size / known) : dim))
  if (out.some((dim) => !Number.isInteger(dim) || dim < 0) || sizeOf(out) !== size) {
    throw new Error(`cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(requested)}`)
  }
  return out
}

/**
 * Sum `grad` (laid out as `gradShape`) down to `shape`, undoing a broadcast.
 * This is the one place a broadcast input's gradient is reduced back to its own shape.
 */
export function sumToShape(grad: Float32Array, gradShape: Shape, shape: Shape): Float32Array {
  if (sameShape(gradShape, shape)) return grad
  const out = new Float32Array(sizeOf(shape))
  const strides = broadcastStrides(shape, gradShape)
  forEachIndex(gradShape, strides, (i, j) => {
    out[j] += grad[i]
  })
  return out
}

/**
 * Walk every element of `shape` in row-major order, calling `visit(flat, offset)` where `offset`
 * is the position in a second array read through `strides` (which may hold zeros for broadcast).
 */
export function forEachIndex(shape: Shape, strides: readonly number[], visit: (flat: number, offset: number) => void): void {
  const rank = shape.length
  const size = sizeOf(shape)
  if (size === 0) return
  const index = new Array<number>(rank).fill(0)
  let offset = 0
  for (let flat = 0; flat < size; flat++) {
    visit(flat, offset)
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++
      offset += strides[axis]
      if (index[axis] < shape[axis]) break
      offset -= strides[axis] * shape[axis]
      index[axis] = 0
    }
  }
}

/** How a broadcast binary op walks its inputs: adjacent axes merged where both inputs allow it. */
export interface BroadcastPlan {
  readonly outShape: number[]
  readonly dims: number[]
  readonly aStrides: number[]
  readonly bStrides: number[]
}

/** Plan `a ∘ b`: output shape plus collapsed dims and strides, so most cases run as one or two flat loops. */
export function broadcastPlan(a: Shape, b: Shape): BroadcastPlan {
  const outShape = broadcastShapes(a, b)
  const fullA = broadcastStrides(a, outShape)
  const fullB = broadcastStrides(b, outShape)
  const dims: number[] = []
  const aStrides: number[] = []
  const bStrides: number[] = []
  outShape.forEach((dim, axis) => {
    if (dim === 1) return
    const last = dims.length - 1
    if (last >= 0 && aStrides[last] === fullA[axis] * dim && bStrides[last] === fullB[axis] * dim) {
      dims[last] *= dim
      aStrides[last] = fullA[axis]
      bStrides[last] = fullB[axis]
    } else {
      dims.push(dim)
      aStrides.push(fullA[axis])
      bStrides.push(fullB[axis])
    }
  })
  return { outShape, dims, aStrides, bStrides }
}
