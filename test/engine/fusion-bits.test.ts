import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Adam, AdaptiveAvgPool2d, BasicBlock, BatchNorm2d, Conv2d, Flatten, Linear, Random, ReLU, Sequential, crossEntropy, fromArray,
  fuseConvBatchNorm, kernelProvider, randn, resnet18, useBitExactKernels, useProvider, type Module,
} from '../../src/main/engine'
import { simpleCnn } from '../../src/main/engine/models/cnn'

/** A float32 loss as the hex of its bits. */
const hex = (value: number): string => new Uint32Array(Float32Array.of(value).buffer)[0].toString(16).padStart(8, '0')

/** `steps` Adam steps on seeded random digits: every loss, as bits. */
function losses(model: Module, steps: number, batch: number, seed: number): string[] {
  const random = new Random(seed)
  const opt = new Adam(model.parameters(), 1e-2)
  model.train()
  return Array.from({ length: steps }, () => {
    const x = randn([batch, 1, 28, 28], random)
    const y = fromArray(Array.from({ length: batch }, () => random.int(10)))
    const loss = crossEntropy(model.forward(x), y)
    loss.backward()
    opt.step()
    opt.zeroGrad()
    return hex(loss.item())
  })
}

/** A ResNet stem and two BasicBlocks (one with a downsample), small enough to train in a test. */
function resnetBlocks(random: Random): Sequential {
  return new Sequential(
    new Conv2d(1, 8, 3, { stride: 2, padding: 1, bias: false, random }), new BatchNorm2d(8), new ReLU(),
    new BasicBlock(8, 8, 1, random), new BasicBlock(8, 16, 2, random),
    new AdaptiveAvgPool2d(1), new Flatten(), new Linear(16, 10, { random }),
  )
}

// Recorded on main before the fusion pass (9fc88b4, when Sequential fused by looking ahead), WebAssembly kernels.
const BEFORE = {
  cnn: ['40171d72', '4016ed7c', '40136477', '4013757e'],
  blocks: ['40172393', '401e89fc', '4022134f', '40193f4d'],
  resnet18: ['3ff70a10', '40bc4755'],
}

const started = kernelProvider()
beforeAll(() => useBitExactKernels())
afterAll(() => { if (started !== 'mixed') useProvider(started) })

describe('training with conv → batch norm fused, bit for bit as before the fusion pass', () => {
  it('the default CNN: fused, plain, and as recorded', () => {
    const fused = fuseConvBatchNorm(simpleCnn([8, 16], 1, 10, new Random(1)))
    expect(String(fused)).toContain('ConvBatchNorm2d(')
    expect(losses(fused, 4, 16, 2)).toEqual(BEFORE.cnn)
    expect(losses(simpleCnn([8, 16], 1, 10, new Random(1)), 4, 16, 2)).toEqual(BEFORE.cnn)
  })

  it('ResNet blocks (one with a downsample): fused, plain, and as recorded', () => {
    const fused = fuseConvBatchNorm(resnetBlocks(new Random(3)))
    expect(String(fused).match(/ConvBatchNorm2d\(/g)).toHaveLength(6)
    expect(losses(fused, 4, 8, 4)).toEqual(BEFORE.blocks)
    expect(losses(resnetBlocks(new Random(3)), 4, 8, 4)).toEqual(BEFORE.blocks)
  })

  it('ResNet-18 as the zoo builds it, fused, as recorded', () => {
    const model = fuseConvBatchNorm(resnet18({ inChannels: 1, numClasses: 10, random: new Random(5) }))
    expect(losses(model, 2, 4, 6)).toEqual(BEFORE.resnet18)
  })
})
