import type { Tensor } from '../tensor'
import { Optimizer } from './optimizer'

export interface SgdOptions {
  readonly momentum?: number
  readonly weightDecay?: number
}

/**
 * Stochastic gradient descent as PyTorch defines it: d = g + λ·p; with momentum, v = μ·v + d;
 * p ← p − lr·v. With no momentum and no decay it is the chapter's `BasicOptim`: p ← p − lr·g.
 */
export class SGD extends Optimizer {
  momentum: number
  readonly weightDecay: number
  private velocities: (Float32Array | null)[]

  constructor(params: readonly Tensor[], lr: number, options: SgdOptions = {}) {
    super(params, lr)
    this.momentum = options.momentum ?? 0
    this.weightDecay = options.weightDecay ?? 0
    this.velocities = params.map(() => null)
  }

  protected update(values: Float32Array, grad: Float32Array, index: number, lr: number): void {
    const { momentum, weightDecay } = this
    if (momentum === 0 && weightDecay === 0) {
      // the chapter's p ← p − lr·g (adding 0·p would change no finite value)
      for (let i = 0; i < values.length; i++) values[i] -= lr * grad[i]
      return
    }
    if (momentum === 0) {
      for (let i = 0; i < values.length; i++) values[i] -= lr * (grad[i] + weightDecay * values[i])
      return
    }
    let velocity = this.velocities[index]
    const first = velocity === null
    velocity ??= this.velocities[index] = new Float32Array(values.length)
    for (let i = 0; i < values.length; i++) {
      const d = grad[i] + weightDecay * values[i]
      velocity[i] = first ? d : momentum * velocity[i] + d
      values[i] -= lr * velocity[i]
    }
  }

  state(): Record<string, Float32Array[] | number> {
    return { velocities: this.velocities.map((v) => v?.slice() ?? new Float32Array(0)) }
  }

  loadState(state: Record<string, Float32Array[] | number>): void {
    const velocities = state.velocities as Float32Array[]
    this.velocities = velocities.map((v) => (v.length === 0 ? null : v.slice()))
  }
}

/** The chapter's `BasicOptim(params, lr)`: plain SGD. */
export class BasicOptim extends SGD {
  constructor(params: readonly Tensor[], lr: number) {
    super(params, lr)
  }
}
