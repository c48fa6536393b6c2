import { expect } from 'vitest'
import { Random, Tensor, formatShape, noGrad, randn } from '../../src/main/engine'
import { expectAllClose, type Closeness, type Tolerance } from './allclose'

export interface GradcheckOptions extends Partial<Tolerance> {
  /** Half the step of the central difference. */
  readonly eps?: number
  /** Seed of the random upstream gradient. */
  readonly seed?: number
}

/**
 * Check the engine's gradients of `fn` against central finite differences, for every input that
 * requires grad. The scalar differentiated is L = Σ fn(inputs) · u, with `u` a fixed random
 * upstream tensor, so backward rules are exercised with non-trivial incoming gradients.
 *
 * NOTE: the engine stores float32, so a naive difference of two float32 losses would be dominated
 * by rounding. Here each input element is moved to the float32 neighbours x ± eps, the step used is
 * the one actually stored, and ΔL = Σ (out₊ − out₋)·u is summed in float64 from the two outputs:
 * unchanged outputs cancel exactly, and each changed output carries at most ~1e-7 relative
 * rounding, i.e. ~1e-7·|out|/(2·eps) ≈ 5e-5·|out| at eps = 1e-3, while the truncation error of the
 * central difference is ~eps²·|f‴|/6 ≈ 2e-7·|f‴|. A tolerance of 1e-3 (rel) + 1e-3 (abs) sits
 * well above both and far below the size of any real mistake in a backward rule.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): Closeness[] {
  const { eps = 1e-3, rtol = 1e-3, atol = 1e-3, seed = 1 } = options
  const checked = inputs.filter((x) => x.requiresGrad)
  expect(checked.length, 'gradcheck needs at least one input with requiresGrad').toBeGreaterThan(0)
  for (const x of checked) x.zeroGrad()

  const out = fn(...inputs)
  const upstream = randn(out.shape, new Random(seed))
  out.mul(upstream).sum().backward()
  const evaluate = (): Float32Array => noGrad(() => fn(...inputs)).data.slice()

  return checked.map((x, k) => {
    const label = `input ${inputs.indexOf(x)} ${formatShape(x.shape)}`
    expect(x.grad, `${label}: no gradient reached it`).not.toBeNull()
    const analytic = x.grad!
    expect(formatShape(analytic.shape), `${label}: gradient shape`).toBe(formatShape(x.shape))
    const numeric = new Float64Array(x.size)
    for (let i = 0; i < x.size; i++) {
      const original = x.data[i]
      x.data[i] = original + eps
      const high = x.data[i]
      const plus = evaluate()
      x.data[i] = original - eps
      const low = x.data[i]
      const minus = evaluate()
      x.data[i] = original
      let delta = 0
      for (let j = 0; j < plus.length; j++) delta += (plus[j] - minus[j]) * upstream.data[j]
      numeric[i] = delta / (high - low)
    }
    return expectAllClose(analytic, numeric, { rtol, atol }, `gradient of ${label} (checked input ${k})`)
  })
}
