import type { Tensor } from '../tensor'
import { Optimizer } from './optimizer'

export interface AdamOptions {
  readonly betas?: readonly [number, number]
  readonly eps?: number
  readonly weightDecay?: number
  /** Decoupled weight decay (AdamW): p ← p − lr·λ·p, instead of adding λ·p to the gradient. */
  readonly decoupled?: boolean
}

/**
 * Adam as PyTorch defines it: m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², p ← p − lr·m̂ / (√v̂ + ε)
 * with bias-corrected m̂, v̂. With `decoupled` it is AdamW.
 */
export class Adam extends Optimizer {
  beta1: number
  readonly beta2: number
  readonly eps: number
  readonly weightDecay: number
  readonly decoupled: boolean
  private steps: number[]
  private moments: Float32Array[]
  private squares: Float32Array[]

  constructor(params: readonly Tensor[], lr: number, options: AdamOptions = {}) {
    super(params, lr)
    ;[this.beta1, this.beta2] = options.betas ?? [0.9, 0.999]
    this.eps = options.eps ?? 1e-8
    this.weightDecay = options.weightDecay ?? 0
    this.decoupled = options.decoupled ?? false
    this.steps = params.map(() => 0)
    this.moments = params.map((p) => new Float32Array(p.size))
    this.squares = params.map((p) => new Float32Array(p.size))
  }

  /** β₁, the decay of the gradient's running mean: what fastai cycles as Adam's momentum. */
  get momentum(): number {
    return this.beta1
  }

  set momentum(value: number) {
    this.beta1 = value
  }

  protected update(values: Float32Array, grad: Float32Array, index: number): void {
    const { lr, beta1, beta2, eps, weightDecay, decoupled } = this
    const step = ++this.steps[index]
    const m = this.moments[index]
    const v = this.squares[index]
    const correction1 = 1 - Math.pow(beta1, step)
    const correction2 = Math.sqrt(1 - Math.pow(beta2, step))
    const coupledDecay = decoupled ? 0 : weightDecay
    const shrink = decoupled ? 1 - lr * weightDecay : 1
    // NOTE: constants hoisted out of the loop: it runs over every parameter (11M for ResNet-18) each step.
    const [stepSize, inverseCorrection2, keep1, keep2] = [lr / correction1, 1 / correction2, 1 - beta1, 1 - beta2]
    for (let i = 0; i < values.length; i++) {
      const g = grad[i] + coupledDecay * values[i]
      const mi = beta1 * m[i] + keep1 * g
      const vi = beta2 * v[i] + keep2 * g * g
      m[i] = mi
      v[i] = vi
      values[i] = values[i] * shrink - (stepSize * mi) / (Math.sqrt(vi) * inverseCorrection2 + eps)
    }
  }

  state(): Record<string, Float32Array[] | number> {
    return { steps: this.steps[0] ?? 0, moments: this.moments.map((m) => m.slice()), squares: this.squares.map((v) => v.slice()) }
  }

  loadState(state: Record<string, Float32Array[] | number>): void {
    this.steps = this.params.map(() => state.steps as number)
    this.moments = (state.moments as Float32Array[]).map((m) => m.slice())
    this.squares = (state.squares as Float32Array[]).map((v) => v.slice())
  }
}
