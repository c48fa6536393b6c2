import { record } from '../autograd'
import { forEachIndex, formatShape, normalizeAxis, resolveReshape, sameShape, sizeOf, stridesOf } from '../shape'
import { Tensor } from '../tensor'
import { broadcastTo } from './elementwise'

// d reshape(a) = reshape⁻¹(da). Shares storage with its input.
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveReshape(x.shape, shape)
  return record(new Tensor(x.data, target), 'Reshape', [x], (g) => [g.reshape(...x.shape)])
}

/** Merge every axis from `startAxis` on into one (as `torch.flatten(x, startAxis)`). */
export function flatten(x: Tensor, startAxis = 1): Tensor {
  const start = normalizeAxis(startAxis, x.rank)
  return reshape(x, [...x.shape.slice(0, start), sizeOf(x.shape.slice(start))])
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank + 1)
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)])
}

export function squeeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank)
  if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${axis} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`)
  return reshape(x, [...x.shape.slice(0, a), ...x.shape.slice(a + 1)])
}

// d permute(a, p) = permute(da, p⁻¹)
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  const order = axes.map((axis) => normalizeAxis(axis, x.rank))
  if (order.length !== x.rank || new Set(order).size !== x.rank) {
    throw new Error(`permute: [${axes.join(', ')}] is not a permutation of the ${x.rank} axes of ${formatShape(x.shape)}`)
  }
  const outShape = order.map((axis) => x.shape[axis])
  const inStrides = stridesOf(x.shape)
  const src = x.data
  const out = new Float32Array(x.size)
  forEachIndex(outShape, order.map((axis) => inStrides[axis]), (flat, offset) => {
    out[flat] = src[offset]
  })
  const inverse = order.map((_, i) => order.indexOf(i))
  return record(new Tensor(out, outShape), 'Transpose', [x], (g) => [g.permute(...inverse)])
}

/** Swap two axes (copying the data into the new layout). */
export function transpose(x: Tensor, axis0: number, axis1: number): Tensor {
  const order = x.shape.map((_, i) => i)
  const [a, b] = [normalizeAxis(axis0, x.rank), normalizeAxis(axis1, x.rank)]
  ;[order[a], order[b]] = [order[b], order[a]]
  return permute(x, order)
}

// d expand(a) = Σ over the expanded axes — done by the engine's shared broadcast reduction
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  // NOTE: checked here rather than by broadcastShapes, which would throw its own, less specific message.
  const offset = shape.length - x.rank
  if (offset < 0 || x.shape.some((dim, i) => dim !== 1 && dim !== shape[offset + i])) {
    throw new Error(`expand: ${formatShape(x.shape)} cannot be expanded to ${formatShape(shape)}`)
  }
  return record(new Tensor(broadcastTo(x, shape).slice(), shape), 'Expand', [x], (g) => [g])
}

function rowSize(x: Tensor): number {
  if (x.rank === 0) throw new Error('cannot index rows of a zero-rank tensor')
  return sizeOf(x.shape.slice(1))
}

// d x[start:end] = da placed in those rows, 0 elsewhere. Shares storage with its input.
export function sliceRows(x: Tensor, start: number, end?: number): Tensor {
  const rows = x.shape[0]
  const clamp = (i: number): number => Math.min(rows, Math.max(0, i < 0 ? i + rows : i))
  const [from, to] = [clamp(start), Math.max(clamp(start), clamp(end ?? rows))]
  const width = rowSize(x)
  const out = new Tensor(x.data.subarray(from * width, to * width), [to - from, ...x.shape.slice(1)])
  return record(out, 'Slice', [x], (g) => {
    const grad = new Float32Array(x.size)
    grad.set(g.data, from * width)
    return [new Tensor(grad, x.shape)]
  })
}

/** Row `i` of the first axis with that axis removed; shares storage. */
export function indexRow(x: Tensor, i: number): Tensor {
  const rows = x.shape[0]
  if (!Number.isInteger(i) || i < -rows || i >= rows) throw new Error(`index ${i} is out of range for ${rows} rows ${formatShape(x.shape)}`)
  return squeeze(sliceRows(x, i, i < 0 ? i + rows + 1 : i + 1), 0)
}

// d x[indices] = da scattered back (added where an index repeats)
export function takeRows(x: Tensor, indices: ArrayLike<number>): Tensor {
  const width = rowSize(x)
  const rows = x.shape[0]
  const out = new Float32Array(indices.length * width)
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]
    if (!Number.isInteger(i) || i < 0 || i >= rows) throw new Error(`take: index ${i} is out of range for ${rows} rows ${formatShape(x.shape)}`)
    out.set(x.data.subarray(i * width, (i + 1) * width), r * width)
  }
  return record(new Tensor(out, [indices.length, ...x.shape.slice(1)]), 'Gather', [x], (g) => {
    const grad = new Float32Array(x.size)
    for (let r = 0; r < indices.length; r++) {
      const base = indices[r] * width
      for (let j = 0; j < width; j++) grad[base + j] += g.data[r * width + j]
    }
    return [new Tensor(grad, x.shape)]
  })
}

// d cat(a, b) = (da, db): each input gets its own block of the gradient back
export function cat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('cat needs at least one tensor')
  const first = tensors[0]
  const a = normalizeAxis(axis, first.rank)
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((dim, i) => i !== a && dim !== first.shape[i])) {
      throw new Error(`cat along axis ${axis}: ${formatShape(t.shape)} does not match ${formatShape(first.shape)} off that axis`)
    }
  }
  const outer = sizeOf(first.shape.slice(0, a))
  const blocks = tensors.map((t) => sizeOf(t.shape.slice(a)))
  const total = blocks.reduce((s, b) => s + b, 0)
  const out = new Float32Array(outer * total)
  let offset = 0
  tensors.forEach((t, k) => {
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * blocks[k], (o + 1) * blocks[k]), o * total + offset)
    offset += blocks[k]
  })
  const shape = [...first.shape]
  shape[a] = tensors.reduce((s, t) => s + t.shape[a], 0)
  return record(new Tensor(out, shape), 'Concat', tensors, (g) => {
    let start = 0
    return tensors.map((t, k) => {
      const grad = new Float32Array(t.size)
      for (let o = 0; o < outer; o++) grad.set(g.data.subarray(o * total + start, o * total + start + blocks[k]), o * blocks[k])
      start += blocks[k]
      return new Tensor(grad, t.shape)
    })
  })
}

/** Join tensors of one shape along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('stack needs at least one tensor')
  const shape = tensors[0].shape
  const mismatch = tensors.find((t) => !sameShape(t.shape, shape))
  if (mismatch) throw new Error(`stack: ${formatShape(mismatch.shape)} differs from ${formatShape(shape)}`)
  return cat(tensors.map((t) => unsqueeze(t, axis)), axis)
}
