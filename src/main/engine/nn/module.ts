import type { Tensor } from '../tensor'
import { Tensor as TensorClass } from '../tensor'

/**
 * A layer or a model: it maps a tensor to a tensor and owns parameters (tensors that require
 * grad) and buffers (state that is saved but not trained, such as batch norm's running mean).
 * Fields holding tensors and modules are found by reflection, as PyTorch's `__setattr__` does.
 */
export abstract class Module {
  training = true

  abstract forward(x: Tensor): Tensor

  /** Child modules by name; containers override this to name children by position. */
  namedChildren(): [string, Module][] {
    return Object.entries(this).filter((entry): entry is [string, Module] => entry[1] instanceof Module)
  }

  /**
   * True for a fused module (nn/fuse.ts): its parts keep the names they had in its parent, so a fused model's
   * parameters, state dict and exports are named as the plain model's.
   */
  get keepsPartNames(): boolean {
    return false
  }

  /** What PyTorch's `extra_repr` says: the settings shown in the printout, `Conv2d(1, 16, kernel_size=(3, 3), …)`. */
  extraRepr(): string {
    return ''
  }

  /** The module tree as PyTorch prints it, one child a line with its name, fused modules included. */
  toString(): string {
    const children = this.namedChildren().map(([name, child]) => `  (${name}): ${child.toString().replaceAll('\n', '\n  ')}`)
    const head = `${this.constructor.name}(${this.extraRepr()}`
    return children.length === 0 ? `${head})` : `${head}\n${children.join('\n')}\n)`
  }

  /** Every parameter of this module and its children, named by path (`0.weight`). */
  namedParameters(): [string, Tensor][] {
    return this.namedTensors().filter(([, t]) => t.requiresGrad)
  }

  /** Every buffer (saved, not trained) of this module and its children, named by path. */
  namedBuffers(): [string, Tensor][] {
    return this.namedTensors().filter(([, t]) => !t.requiresGrad)
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t)
  }

  /** Number of trainable values. */
  parameterCount(): number {
    return this.parameters().reduce((n, t) => n + t.size, 0)
  }

  /** Training mode (dropout on, batch norm uses batch statistics) for this module and its children. */
  train(mode = true): this {
    this.training = mode
    for (const [, child] of this.namedChildren()) child.train(mode)
    return this
  }

  eval(): this {
    return this.train(false)
  }

  /** Copy of every parameter and buffer by name. */
  stateDict(): Record<string, Float32Array> {
    return Object.fromEntries(this.namedTensors().map(([name, t]) => [name, t.data.slice()]))
  }

  /** Load values saved by `stateDict`; every name must exist with the same size. */
  loadStateDict(state: Record<string, Float32Array>): void {
    const tensors = new Map(this.namedTensors())
    for (const [name, tensor] of tensors) {
      const values = state[name]
      if (!values) throw new Error(`state is missing "${name}"`)
      if (values.length !== tensor.size) throw new Error(`"${name}" has ${values.length} values, the model needs ${tensor.size}`)
    }
    for (const [name, tensor] of tensors) tensor.data.set(state[name])
  }

  private namedTensors(): [string, Tensor][] {
    const own = Object.entries(this).filter((entry): entry is [string, Tensor] => entry[1] instanceof TensorClass)
    const nested = this.namedChildren().flatMap(([prefix, child]) =>
      child.keepsPartNames ? child.namedTensors() : child.namedTensors().map(([name, t]): [string, Tensor] => [`${prefix}.${name}`, t]),
    )
    return [...own, ...nested]
  }
}
