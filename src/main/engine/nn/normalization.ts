import { ones, zeros } from '../creation'
import { dropout } from '../ops/dropout'
import { batchNorm, type BatchNormOptions } from '../ops/normalization'
import { defaultRandom, type Random } from '../random'
import type { Tensor } from '../tensor'
import { Module } from './module'

/**
 * Batch normalisation per channel of NCHW input, as `nn.BatchNorm2d`: weight 1 and bias 0 to
 * start, and running mean 0 / variance 1 buffers (tensors without grad, saved in the state dict)
 * that training updates with `momentum` and eval normalises by.
 */
export class BatchNorm2d extends Module {
  readonly weight: Tensor
  readonly bias: Tensor
  readonly runningMean: Tensor
  readonly runningVar: Tensor

  constructor(
    readonly numFeatures: number,
    readonly options: { readonly momentum?: number; readonly eps?: number } = {},
  ) {
    super()
    this.weight = ones([numFeatures]).requiresGrad_()
    this.bias = zeros([numFeatures]).requiresGrad_()
    this.runningMean = zeros([numFeatures])
    this.runningVar = ones([numFeatures])
  }

  /**
   * Keep normalising by the running statistics, and never update them, even in training mode (a starting
   * point's statistics kept while fine-tuning). Its weight and bias still learn unless their learning rate is 0.
   */
  statsFrozen = false

  override train(mode = true): this {
    this.training = mode && !this.statsFrozen
    return this
  }

  get momentum(): number {
    return this.options.momentum ?? 0.1
  }

  get eps(): number {
    return this.options.eps ?? 1e-5
  }

  forward(x: Tensor): Tensor {
    return batchNorm(x, this.weight, this.bias, this.runningMean, this.runningVar, this.passOptions(false))
  }

  /** What a pass of this batch norm does now (batch or running statistics), followed by a ReLU when `relu`. */
  passOptions(relu: boolean): BatchNormOptions {
    return { training: this.training, momentum: this.momentum, eps: this.eps, relu }
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}${this.statsFrozen ? ', stats frozen' : ''}`
  }
}

/** Inverted dropout with probability `p`, in training only, its masks drawn from its own seeded generator. */
export class Dropout extends Module {
  private readonly random: Random

  constructor(readonly p = 0.5, random: Random = defaultRandom()) {
    super()
    this.random = random.fork()
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.random, this.training)
  }

  override extraRepr(): string {
    return `p=${this.p}`
  }
}
