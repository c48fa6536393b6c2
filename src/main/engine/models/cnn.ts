import { AdaptiveAvgPool2d, Conv2d } from '../nn/conv'
import { Flatten, Linear, ReLU, Sequential } from '../nn/layers'
import { BatchNorm2d } from '../nn/normalization'
import type { Random } from '../random'

/**
 * Digit Lab's default CNN: per entry of `channels`, a 3×3 convolution with stride 2 (no bias, the
 * batch norm after it has one) → BatchNorm2d → ReLU, then a global average pool and a linear layer.
 * With [16, 32, 64, 128] a 28×28 digit goes 14 → 7 → 4 → 2 pixels wide.
 */
export function simpleCnn(channels: readonly number[], inChannels: number, outputs: number, random: Random): Sequential {
  if (channels.length === 0) throw new Error('a CNN needs at least one convolution stage')
  const widths = [inChannels, ...channels]
  const stages = channels.flatMap((width, i) => [
    new Conv2d(widths[i], width, 3, { stride: 2, padding: 1, bias: false, random }),
    new BatchNorm2d(width),
    new ReLU(),
  ])
  return new Sequential(...stages, new AdaptiveAvgPool2d(1), new Flatten(), new Linear(channels.at(-1)!, outputs, { random }))
}
