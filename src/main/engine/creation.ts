import { Tensor, type NestedArray } from './tensor'
import { defaultRandom, type Random } from './random'
import { sizeOf, type Shape } from './shape'

/** A tensor of the given shape filled with `value`. */
export function full(shape: Shape, value: number): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape)
}

export function zeros(shape: Shape): Tensor {
  return full(shape, 0)
}

export function ones(shape: Shape): Tensor {
  return full(shape, 1)
}

/** A zero-rank tensor holding one number. */
export function scalar(value: number): Tensor {
  return new Tensor(new Float32Array([value]), [])
}

/** Standard-normal samples from a seeded generator (the global one unless given). */
export function randn(shape: Shape, random: Random = defaultRandom()): Tensor {
  const data = new Float32Array(sizeOf(shape))
  for (let i = 0; i < data.length; i++) data[i] = random.normal()
  return new Tensor(data, shape)
}

/** Uniform samples in [low, high) from a seeded generator. */
export function rand(shape: Shape, random: Random = defaultRandom(), low = 0, high = 1): Tensor {
  const data = new Float32Array(sizeOf(shape))
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * random.uniform()
  return new Tensor(data, shape)
}

/** `start, start + step, …` up to but not including `end` (one argument: 0..end). */
export function arange(start: number, end?: number, step = 1): Tensor {
  if (end === undefined) [start, end] = [0, start]
  if (step === 0) throw new Error('arange: step must not be 0')
  const count = Math.max(0, Math.ceil((end - start) / step))
  const data = new Float32Array(count)
  for (let i = 0; i < count; i++) data[i] = start + i * step
  return new Tensor(data, [count])
}

/**
 * A tensor from nested arrays (`fromArray([[1, 2], [3, 4]])`) or from flat values and a shape
 * (`fromArray([1, 2, 3, 4], [2, 2])`).
 */
export function fromArray(values: NestedArray | ArrayLike<number>, shape?: Shape): Tensor {
  if (shape) {
    const flat = typeof values === 'number' ? [values] : (values as ArrayLike<number>)
    return new Tensor(Float32Array.from(flat as ArrayLike<number>), shape)
  }
  const inferred: number[] = []
  let level: NestedArray = values as NestedArray
  while (Array.isArray(level)) {
    inferred.push(level.length)
    level = level[0]
  }
  const flat: number[] = []
  const visit = (node: NestedArray, axis: number): void => {
    if (axis === inferred.length) {
      if (typeof node !== 'number') throw new Error('fromArray: ragged nested array (rows of different depth)')
      flat.push(node)
      return
    }
    if (!Array.isArray(node) || node.length !== inferred[axis]) {
      throw new Error(`fromArray: ragged nested array (axis ${axis} should have length ${inferred[axis]})`)
    }
    for (const child of node) visit(child, axis + 1)
  }
  visit(values as NestedArray, 0)
  return new Tensor(Float32Array.from(flat), inferred)
}
