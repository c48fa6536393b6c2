import { backward, type GradNode } from './autograd'
import { formatShape, sizeOf, type Shape } from './shape'
import * as elementwise from './ops/elementwise'
import * as reduce from './ops/reduce'
import * as matmulOps from './ops/matmul'
import * as shapeOps from './ops/shape'
import * as softmaxOps from './ops/softmax'

/** A number, or a tensor that broadcasts against the other operand. */
export type Operand = Tensor | number

/** Nested arrays of numbers, as `fromArray` takes them and `toArray` returns them. */
export type NestedArray = number | NestedArray[]

/**
 * An n-dimensional array of float32 values, stored contiguously in row-major order, that can
 * record the ops which made it so that `backward()` can compute gradients.
 */
export class Tensor {
  readonly data: Float32Array
  readonly shape: readonly number[]
  /** Whether gradients flow to this tensor; set on leaves with `requiresGrad_()`. */
  requiresGrad = false
  /** The accumulated gradient of a leaf after `backward()`; null until then or after `zeroGrad()`. */
  grad: Tensor | null = null
  /** How this tensor was computed, when it was computed from tensors that require grad. */
  gradFn: GradNode | null = null

  constructor(data: Float32Array, shape: Shape) {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`data of length ${data.length} does not fit shape ${formatShape(shape)} (${sizeOf(shape)} elements)`)
    }
    this.data = data
    this.shape = Object.freeze([...shape])
  }

  get rank(): number {
    return this.shape.length
  }

  get ndim(): number {
    return this.shape.length
  }

  get size(): number {
    return this.data.length
  }

  /** Mark this tensor as a leaf whose gradient `backward()` should compute (PyTorch's `requires_grad_`). */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag
    return this
  }

  /** Backpropagate from this scalar, adding into every leaf's `.grad`. */
  backward(): void {
    backward(this)
  }

  zeroGrad(): void {
    this.grad = null
  }

  /** The same values, cut from the graph. Shares storage. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape)
  }

  /** An independent copy of the values, cut from the graph. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape)
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item() needs a one-element tensor, got shape ${formatShape(this.shape)}`)
    return this.data[0]
  }

  /** The values as nested arrays, one level per axis. */
  toArray(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.rank) return this.data[offset]
      const stride = sizeOf(this.shape.slice(axis + 1))
      return Array.from({ length: this.shape[axis] }, (_, i) => build(axis + 1, offset + i * stride))
    }
    return build(0, 0)
  }

  toString(): string {
    return `Tensor${formatShape(this.shape)}`
  }

  add(other: Operand): Tensor { return elementwise.add(this, other) }
  sub(other: Operand): Tensor { return elementwise.sub(this, other) }
  mul(other: Operand): Tensor { return elementwise.mul(this, other) }
  div(other: Operand): Tensor { return elementwise.div(this, other) }
  neg(): Tensor { return elementwise.neg(this) }
  pow(exponent: number): Tensor { return elementwise.pow(this, exponent) }
  exp(): Tensor { return elementwise.exp(this) }
  log(): Tensor { return elementwise.log(this) }
  abs(): Tensor { return elementwise.abs(this) }
  sqrt(): Tensor { return elementwise.sqrt(this) }
  sigmoid(): Tensor { return elementwise.sigmoid(this) }
  relu(): Tensor { return elementwise.relu(this) }
  maximum(other: Operand): Tensor { return elementwise.maximum(this, other) }
  gt(other: Operand): Tensor { return elementwise.gt(this, other) }
  lt(other: Operand): Tensor { return elementwise.lt(this, other) }
  ge(other: Operand): Tensor { return elementwise.ge(this, other) }
  le(other: Operand): Tensor { return elementwise.le(this, other) }
  eq(other: Operand): Tensor { return elementwise.eq(this, other) }

  sum(axes?: number | readonly number[], keepDim = false): Tensor { return reduce.sum(this, axes, keepDim) }
  mean(axes?: number | readonly number[], keepDim = false): Tensor { return reduce.mean(this, axes, keepDim) }
  max(axis: number, keepDim = false): Tensor { return reduce.max(this, axis, keepDim) }
  argmax(axis: number, keepDim = false): Tensor { return reduce.argmax(this, axis, keepDim) }
  logSoftmax(axis = -1): Tensor { return softmaxOps.logSoftmax(this, axis) }
  softmax(axis = -1): Tensor { return softmaxOps.softmax(this, axis) }

  matmul(other: Tensor): Tensor { return matmulOps.matmul(this, other) }

  reshape(...shape: number[]): Tensor { return shapeOps.reshape(this, shape) }
  view(...shape: number[]): Tensor { return shapeOps.reshape(this, shape) }
  flatten(startAxis = 1): Tensor { return shapeOps.flatten(this, startAxis) }
  unsqueeze(axis: number): Tensor { return shapeOps.unsqueeze(this, axis) }
  squeeze(axis: number): Tensor { return shapeOps.squeeze(this, axis) }
  transpose(axis0 = -2, axis1 = -1): Tensor { return shapeOps.transpose(this, axis0, axis1) }
  permute(...axes: number[]): Tensor { return shapeOps.permute(this, axes) }
  expand(...shape: number[]): Tensor { return shapeOps.expand(this, shape) }
  /** All axes reversed, as NumPy's `.T` (for a matrix: its transpose). */
  get T(): Tensor { return shapeOps.permute(this, this.shape.map((_, i) => this.rank - 1 - i)) }
  /** Rows `start` to `end` (exclusive) along the first axis; negative indices count from the end. */
  slice(start: number, end?: number): Tensor { return shapeOps.sliceRows(this, start, end) }
  /** Row `i` along the first axis, with that axis removed (as `x[i]`). */
  index(i: number): Tensor { return shapeOps.indexRow(this, i) }
  /** The rows at `indices` along the first axis (as `x[indices]`). */
  take(indices: ArrayLike<number>): Tensor { return shapeOps.takeRows(this, indices) }
}
