import { expect } from 'vitest'
import { Tensor, formatShape } from '../../src/main/engine'

/** NumPy's `allclose` tolerance: |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tolerance {
  readonly rtol: number
  readonly atol: number
}

/**
 * Float32 storage keeps ~7 significant digits, and an op chain rounds once per op, so results sit
 * within a few 1e-7 of the exact answer; 1e-5 leaves room for longer chains and float32 sums.
 */
export const FLOAT32: Tolerance = { rtol: 1e-5, atol: 1e-5 }

/** How far one array is from another. */
export interface Closeness {
  /** Largest |actual − expected|. */
  readonly maxAbs: number
  /** Largest |actual − expected| / |expected| among elements with |expected| ≥ 1e-3 (smaller ones are judged by maxAbs). */
  readonly maxRel: number
  /** Largest error as a fraction of the allowed atol + rtol·|expected|: at most 1 passes. */
  readonly worstRatio: number
  /** Flat index of the element with the largest ratio. */
  readonly worstIndex: number
}

/** Elementwise distance between `actual` and `expected`; NaN anywhere counts as infinitely far unless both are NaN. */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance = FLOAT32): Closeness {
  let maxAbs = 0
  let maxRel = 0
  let worstRatio = 0
  let worstIndex = -1
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]]
    const error = a === e || (Number.isNaN(a) && Number.isNaN(e)) ? 0 : Number.isNaN(a - e) ? Infinity : Math.abs(a - e)
    const ratio = error / (tolerance.atol + tolerance.rtol * Math.abs(e))
    maxAbs = Math.max(maxAbs, error)
    if (Math.abs(e) >= 1e-3) maxRel = Math.max(maxRel, error / Math.abs(e))
    if (ratio > worstRatio || worstIndex < 0) [worstRatio, worstIndex] = [ratio, i]
  }
  return { maxAbs, maxRel, worstRatio, worstIndex }
}

/**
 * Expect `actual` to equal `expected` within `tolerance` everywhere (and, for tensors, to have
 * `shape`); on failure the message names the worst element. Returns the measured closeness.
 */
export function expectAllClose(
  actual: Tensor | ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance = FLOAT32,
  label = 'values',
): Closeness {
  const values = actual instanceof Tensor ? actual.data : actual
  expect(values.length, `${label}: length`).toBe(expected.length)
  const result = closeness(values, expected, tolerance)
  if (result.worstRatio > 1) {
    const i = result.worstIndex
    expect.fail(
      `${label}: element ${i} is ${values[i]}, expected ${expected[i]} ` +
        `(error ${result.maxAbs.toExponential(2)} > atol ${tolerance.atol} + rtol ${tolerance.rtol}·|expected|)`,
    )
  }
  return result
}

/** Expect a tensor to have exactly this shape, naming both on failure. */
export function expectShape(tensor: Tensor, shape: readonly number[], label = 'shape'): void {
  expect(formatShape(tensor.shape), label).toBe(formatShape(shape))
}

/** The worst closeness seen per group, for the error report a test file can print at the end. */
export class ErrorTally {
  private readonly worst = new Map<string, { maxAbs: number; maxRel: number; where: string }>()

  add(group: string, where: string, result: Closeness): void {
    const previous = this.worst.get(group) ?? { maxAbs: 0, maxRel: 0, where: '' }
    this.worst.set(group, {
      maxAbs: Math.max(previous.maxAbs, result.maxAbs),
      maxRel: Math.max(previous.maxRel, result.maxRel),
      where: result.maxAbs >= previous.maxAbs ? where : previous.where,
    })
  }

  /** One line per group: worst absolute and relative error, and where the absolute one occurred. */
  report(title: string): string {
    const lines = [...this.worst].map(
      ([group, w]) => `  ${group.padEnd(14)} max abs ${w.maxAbs.toExponential(2)}  max rel ${w.maxRel.toExponential(2)}  (${w.where})`,
    )
    return [title, ...lines].join('\n')
  }
}
