/**
 * One Adam (or AdamW) update of a parameter, in place: m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g²,
 * p ← p·shrink − stepSize·m / (√v·inverseCorrection2 + ε), with g = grad + coupledDecay·p. The step's
 * constants (bias corrections, learning rate, decay) come computed by the optimizer (optim/adam.ts).
 */
export interface AdamStepArgs {
  readonly values: Float32Array
  readonly grad: Float32Array
  /** The running first and second moments, one per value. */
  readonly m: Float32Array
  readonly v: Float32Array
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
  readonly coupledDecay: number
  readonly shrink: number
  readonly stepSize: number
  readonly inverseCorrection2: number
}

export type AdamStep = (args: AdamStepArgs) => void

/** The plain TypeScript Adam update every faster one is tested against; float64 arithmetic, float32 storage. */
export const adamStepReference: AdamStep = ({ values, grad, m, v, beta1, beta2, eps, coupledDecay, shrink, stepSize, inverseCorrection2 }) => {
  const [keep1, keep2] = [1 - beta1, 1 - beta2]
  for (let i = 0; i < values.length; i++) {
    const g = grad[i] + coupledDecay * values[i]
    const mi = beta1 * m[i] + keep1 * g
    const vi = beta2 * v[i] + keep2 * g * g
    m[i] = mi
    v[i] = vi
    values[i] = values[i] * shrink - (stepSize * mi) / (Math.sqrt(vi) * inverseCorrection2 + eps)
  }
}
