import { randn, rand } from '../creation'
import { linear } from '../ops/matmul'
import { flatten } from '../ops/shape'
import { defaultRandom, type Random } from '../random'
import type { Tensor } from '../tensor'
import { Module } from './module'

/** The chapter's `init_params`: normal values with the given standard deviation, requiring grad. */
export function initParams(shape: readonly number[], std = 1, random: Random = defaultRandom()): Tensor {
  return randn(shape, random).mul(std).requiresGrad_()
}

/** How a Linear layer starts: PyTorch's default (uniform ±1/√in), or normal with a given std (the chapter's randn). */
export type LinearInit = { readonly kind: 'pytorch' } | { readonly kind: 'normal'; readonly std: number }

/** y = x·Wᵀ + b, with W of shape (out, in) as in PyTorch. */
export class Linear extends Module {
  readonly weight: Tensor
  readonly bias: Tensor | null

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean; init?: LinearInit; random?: Random } = {},
  ) {
    super()
    const random = options.random ?? defaultRandom()
    const init = options.init ?? { kind: 'pytorch' }
    const make = (shape: number[]): Tensor => {
      if (init.kind === 'normal') return initParams(shape, init.std, random)
      const bound = 1 / Math.sqrt(inFeatures)
      return rand(shape, random, -bound, bound).requiresGrad_()
    }
    this.weight = make([outFeatures, inFeatures])
    this.bias = options.bias === false ? null : make([outFeatures])
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias)
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`
  }
}

/** x, unchanged: what a fusion leaves where the parts it took in stood (as PyTorch's `fuse_modules` does). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x
  }
}

/** max(x, 0) */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu()
  }
}

/** 1 / (1 + e⁻ˣ) */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid()
  }
}

/** Merge all axes after the first: (n, 1, 28, 28) → (n, 784). */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return flatten(x, 1)
  }
}

/** Layers applied one after another; children are named by position ("0", "1", …) as in PyTorch. */
export class Sequential extends Module {
  /** The layers in order; a fusion pass (nn/fuse.ts) may put a fused module and Identities in place of some. */
  readonly layers: Module[]

  constructor(...layers: Module[]) {
    super()
    this.layers = layers
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((layer, i) => [String(i), layer])
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((out, layer) => layer.forward(out), x)
  }
}
