import { allocateKernelArray, kernelCopy, kernels } from '../kernels'
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
    // In the kernels' memory, the update reads and writes them in place (no copy in and out each step).
    this.moments = params.map((p) => allocateKernelArray(p.size))
    this.squares = params.map((p) => allocateKernelArray(p.size))
  }

  /** β₁, the decay of the gradient's running mean: what fastai cycles as Adam's momentum. */
  get momentum(): number {
    return this.beta1
  }

  set momentum(value: number) {
    this.beta1 = value
  }

  protected update(values: Float32Array, grad: Float32Array, index: number, lr: number): void {
    const { beta1, beta2, eps, weightDecay, decoupled } = this
    const step = ++this.steps[index]
    const correction1 = 1 - Math.pow(beta1, step)
    const correction2 = Math.sqrt(1 - Math.pow(beta2, step))
    kernels.adamStep({
      values, grad, m: this.moments[index], v: this.squares[index], beta1, beta2, eps,
      coupledDecay: decoupled ? 0 : weightDecay,
      shrink: decoupled ? 1 - lr * weightDecay : 1,
      stepSize: lr / correction1,
      inverseCorrection2: 1 / correction2,
    })
  }

  // NOTE: `steps` is every parameter's count; a parameter that was frozen for a while (fine-tuning) has fewer,
  // saved as `steps.<index>` beside it, so files from before freezing existed read as they always did.
  state(): Record<string, Float32Array[] | number> {
    const steps = this.steps.at(-1) ?? 0
    const differing = Object.fromEntries(this.steps.flatMap((n, i) => (n === steps ? [] : [[`steps.${i}`, n]])))
    return { steps, ...differing, moments: this.moments.map((m) => m.slice()), squares: this.squares.map((v) => v.slice()) }
  }

  loadState(state: Record<string, Float32Array[] | number>): void {
    this.steps = this.params.map((_, i) => (state[`steps.${i}`] ?? state.steps) as number)
    this.moments = (state.moments as Float32Array[]).map(kernelCopy)
    this.squares = (state.squares as Float32Array[]).map(kernelCopy)
  }
}
