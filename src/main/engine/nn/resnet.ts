import { addRelu } from '../ops/elementwise'
import { defaultRandom, type Random } from '../random'
import type { Tensor } from '../tensor'
import { AdaptiveAvgPool2d, Conv2d, MaxPool2d } from './conv'
import type { ConvBatchNorm2d, DeclaresConvChains } from './fuse'
import { Flatten, type Identity, Linear, ReLU, Sequential } from './layers'
import { Module } from './module'
import { BatchNorm2d } from './normalization'

function conv(inChannels: number, outChannels: number, kernelSize: number, stride: number, random: Random): Conv2d {
  return new Conv2d(inChannels, outChannels, kernelSize, { stride, padding: (kernelSize - 1) >> 1, bias: false, init: 'kaiming-fan-out', random })
}

/**
 * torchvision's residual BasicBlock: conv3×3 (stride) → BN → ReLU → conv3×3 → BN, plus the input
 * — through a 1×1 conv (stride) and BN when the shape changes — then ReLU. The fusion pass (nn/fuse.ts) may put
 * a ConvBatchNorm2d in conv1 and conv2, and Identity in the fields it took in.
 */
export class BasicBlock extends Module implements DeclaresConvChains {
  conv1: Conv2d | ConvBatchNorm2d
  bn1: BatchNorm2d | Identity
  relu: ReLU | Identity = new ReLU()
  conv2: Conv2d | ConvBatchNorm2d
  bn2: BatchNorm2d | Identity
  readonly downsample: Sequential | null

  constructor(inChannels: number, channels: number, stride = 1, random: Random = defaultRandom()) {
    super()
    this.conv1 = conv(inChannels, channels, 3, stride, random)
    this.bn1 = new BatchNorm2d(channels)
    this.conv2 = conv(channels, channels, 3, 1, random)
    this.bn2 = new BatchNorm2d(channels)
    this.downsample = stride !== 1 || inChannels !== channels
      ? new Sequential(conv(inChannels, channels, 1, stride, random), new BatchNorm2d(channels))
      : null
  }

  convChains(): readonly (readonly string[])[] {
    return [['conv1', 'bn1', 'relu'], ['conv2', 'bn2']]
  }

  forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x)))))
    const identity = this.downsample ? this.downsample.forward(x) : x
    return addRelu(out, identity)
  }
}

export interface ResNetOptions {
  /** Input image channels: 1 for grayscale digits, 3 for colour. */
  readonly inChannels?: number
  readonly numClasses: number
  readonly random?: Random
}

/**
 * A ResNet in torchvision's layout and parameter names: conv 7×7 stride 2 → BN → ReLU → max pool
 * 3×3 stride 2 → four stages of BasicBlocks at 64-128-256-512 channels (stride 2 from the second)
 * → global average pool → fully connected. A 28×28 digit is 14×14 after the stem, 7×7 after the
 * pool, and 7-4-2-1 through the stages.
 */
export class ResNet extends Module implements DeclaresConvChains {
  conv1: Conv2d | ConvBatchNorm2d
  bn1: BatchNorm2d | Identity
  relu: ReLU | Identity = new ReLU()
  readonly maxpool: MaxPool2d
  readonly layer1: Sequential
  readonly layer2: Sequential
  readonly layer3: Sequential
  readonly layer4: Sequential
  readonly avgpool = new AdaptiveAvgPool2d(1)
  readonly flatten = new Flatten()
  readonly fc: Linear

  constructor(blocks: readonly [number, number, number, number], options: ResNetOptions) {
    super()
    const random = options.random ?? defaultRandom()
    this.conv1 = conv(options.inChannels ?? 3, 64, 7, 2, random)
    this.bn1 = new BatchNorm2d(64)
    this.maxpool = new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 })
    const stage = (inChannels: number, channels: number, count: number, stride: number): Sequential =>
      new Sequential(...Array.from({ length: count }, (_, i) => new BasicBlock(i === 0 ? inChannels : channels, channels, i === 0 ? stride : 1, random)))
    this.layer1 = stage(64, 64, blocks[0], 1)
    this.layer2 = stage(64, 128, blocks[1], 2)
    this.layer3 = stage(128, 256, blocks[2], 2)
    this.layer4 = stage(256, 512, blocks[3], 2)
    this.fc = new Linear(512, options.numClasses, { random })
  }

  convChains(): readonly (readonly string[])[] {
    return [['conv1', 'bn1', 'relu']]
  }

  forward(x: Tensor): Tensor {
    const stem = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))))
    const features = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(stem))))
    return this.fc.forward(this.flatten.forward(this.avgpool.forward(features)))
  }
}

/** ResNet-18 ([2, 2, 2, 2] BasicBlocks), as `torchvision.models.resnet18(num_classes=…)` with `inChannels` input channels. */
export function resnet18(options: ResNetOptions): ResNet {
  return new ResNet([2, 2, 2, 2], options)
}
