import { rand, randn } from '../creation'
import { conv2d, type Pair } from '../ops/conv'
import { avgPool2d, globalAvgPool2d, maxPool2d, type Pool2dOptions } from '../ops/pool'
import { defaultRandom, type Random } from '../random'
import type { Tensor } from '../tensor'
import { Module } from './module'

/**
 * How a Conv2d starts: PyTorch's default (kaiming_uniform with a = √5, i.e. U(±1/√fan_in) for
 * weight and bias), or torchvision ResNet's kaiming_normal (std √(2/fan_out), fan_out = out·kh·kw).
 */
export type ConvInit = 'pytorch' | 'kaiming-fan-out'

export interface Conv2dOptions {
  readonly stride?: Pair
  readonly padding?: Pair
  readonly bias?: boolean
  readonly init?: ConvInit
  readonly random?: Random
}

/** A 2-D convolution layer over NCHW input, weight (out, in, kh, kw), as `nn.Conv2d` (groups 1). */
export class Conv2d extends Module {
  readonly weight: Tensor
  readonly bias: Tensor | null
  readonly stride: Pair
  readonly padding: Pair

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Pair,
    options: Conv2dOptions = {},
  ) {
    super()
    const random = options.random ?? defaultRandom()
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize
    const shape = [outChannels, inChannels, kh, kw]
    const bound = 1 / Math.sqrt(inChannels * kh * kw)
    this.weight = options.init === 'kaiming-fan-out'
      ? randn(shape, random).mul(Math.sqrt(2 / (outChannels * kh * kw))).requiresGrad_()
      : rand(shape, random, -bound, bound).requiresGrad_()
    this.bias = options.bias === false ? null : rand([outChannels], random, -bound, bound).requiresGrad_()
    this.stride = options.stride ?? 1
    this.padding = options.padding ?? 0
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding })
  }
}

/** Max over sliding windows, as `nn.MaxPool2d` (stride defaults to the kernel size). */
export class MaxPool2d extends Module {
  constructor(readonly options: Pool2dOptions) {
    super()
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options)
  }
}

/** Mean over sliding windows, as `nn.AvgPool2d` (padding counted in the divisor). */
export class AvgPool2d extends Module {
  constructor(readonly options: Pool2dOptions) {
    super()
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options)
  }
}

/** `nn.AdaptiveAvgPool2d(1)`: each channel's mean, (N, C, H, W) → (N, C, 1, 1). Only output size 1 is supported. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: 1 = 1) {
    super()
  }

  forward(x: Tensor): Tensor {
    return globalAvgPool2d(x)
  }
}
