import { hasGradientHome, keepGradientsIn } from '../autograd'
import { allocateKernelArray } from '../kernels'
import type { Tensor } from '../tensor'

/**
 * Updates parameters from their gradients. `step()` changes the values in place; `zeroGrad()`
 * clears the gradients (as PyTorch's `set_to_none`; the next backward pass writes them into the same arrays). `lr` may change between steps (schedules).
 */
export abstract class Optimizer {
  constructor(
    readonly params: readonly Tensor[],
    public lr: number,
  ) {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`learning rate must be a positive number, got ${lr}`)
    // Each step's gradients land in the same arrays in the kernels' memory, which the update and the learner's
    // finiteness check read in place: no new array per parameter and step (ResNet-18: 45 MB a step), no copies.
    for (const param of params) if (!hasGradientHome(param)) keepGradientsIn(param, allocateKernelArray(param.size))
  }

  /**
   * The momentum a schedule may change between steps (fastai's `mom`): SGD's μ, Adam's β₁.
   * One-cycle training cycles it 0.95 → 0.85 → 0.95.
   */
  abstract momentum: number

  /**
   * Each parameter's learning rate as a multiple of `lr` (fastai's parameter groups: discriminative
   * learning rates, and 0 for a frozen parameter, which `step` leaves exactly as it is — no update,
   * no weight decay, no optimizer state moved). All 1 unless set.
   */
  lrScales: number[] = []

  /** Apply one update to every parameter that has a gradient and is not frozen. */
  step(): void {
    this.params.forEach((param, i) => {
      const scale = this.lrScales[i] ?? 1
      if (param.grad && scale !== 0) this.update(param.data, param.grad.data, i, scale === 1 ? this.lr : this.lr * scale)
    })
  }

  zeroGrad(): void {
    for (const param of this.params) param.grad = null
  }

  /** Update one parameter's values in place from its gradient at learning rate `lr`; `index` keys per-parameter state. */
  protected abstract update(values: Float32Array, grad: Float32Array, index: number, lr: number): void

  /** Per-parameter state (momentum buffers, moments), for saving and restoring a run. */
  abstract state(): Record<string, Float32Array[] | number>
  abstract loadState(state: Record<string, Float32Array[] | number>): void
}

/** Builds an optimizer for a model's parameters, as fastai's `opt_func`. */
export type OptimizerFactory = (params: readonly Tensor[], lr: number) => Optimizer
