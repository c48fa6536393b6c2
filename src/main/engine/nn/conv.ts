import { rand, randn } from '../creation'
import { conv2d, type Pair } from '../ops/conv'
import { convBatchNorm } from '../ops/conv-batch-norm'
import type { BatchNormOptions, BatchNormParameters } from '../ops/normalization'
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

/** A batch norm (and its ReLU) that a fusion runs in the same op as the conv before it: see nn/fuse.ts. */
export interface ConvEpilogue {
  readonly norm: BatchNormParameters
  readonly options: BatchNormOptions
}

/** `(1, 16)` for a pair, `1` for one number: how PyTorch prints a size. */
const pairText = (value: Pair): string => (typeof value === 'number' ? `(${value}, ${value})` : `(${value.join(', ')})`)

/** A pool's window as PyTorch prints it. */
const windowText = ({ kernelSize, stride = kernelSize, padding = 0 }: Pool2dOptions): string =>
  `kernel_size=${pairText(kernelSize)}, stride=${pairText(stride)}, padding=${pairText(padding)}`

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

  /** The convolution; with `then`, the batch norm (and ReLU) a fusion put after it, in the same op with the same bits. */
  forward(x: Tensor, then?: ConvEpilogue): Tensor {
    const options = { stride: this.stride, padding: this.padding }
    if (!then) return conv2d(x, this.weight, this.bias, options)
    return convBatchNorm(x, { weight: this.weight, bias: this.bias, options }, then.norm, then.options)
  }

  override extraRepr(): string {
    const window = windowText({ kernelSize: this.kernelSize, stride: this.stride, padding: this.padding })
    return `${this.inChannels}, ${this.outChannels}, ${window}${this.bias ? '' : ', bias=False'}`
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

  override extraRepr(): string {
    return windowText(this.options)
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

  override extraRepr(): string {
    return windowText(this.options)
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

  override extraRepr(): string {
    return `output_size=${this.outputSize}`
  }
}
