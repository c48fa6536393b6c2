import { randn, rand } from '../creation'
import { linear } from '../ops/matmul'
import { flatten } from '../ops/shape'
import { defaultRandom, type Random } from '../random'
import type { Tensor } from '../tensor'
import { Module } from './module'
import { Conv2d } from './conv'
import { BatchNorm2d } from './normalization'

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
  readonly layers: readonly Module[]

  constructor(...layers: Module[]) {
    super()
    this.layers = layers
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((layer, i) => [String(i), layer])
  }

  forward(x: Tensor): Tensor {
    let out = x
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i]
      const [next, afterNext] = [this.layers[i + 1], this.layers[i + 2]]
      // A conv, the batch norm after it and a ReLU after that run as one op, and so do a batch norm and its ReLU
      // (the same bits, fewer passes and fewer tensors).
      if (layer instanceof Conv2d && next instanceof BatchNorm2d) {
        const relu = afterNext instanceof ReLU
        out = next.forwardAfterConv(layer, out, relu)
        i += relu ? 2 : 1
      } else if (layer instanceof BatchNorm2d && next instanceof ReLU) {
        out = layer.forwardRelu(out)
        i++
      } else {
        out = layer.forward(out)
      }
    }
    return out
  }
}
