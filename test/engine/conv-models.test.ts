import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import {
  ImageDataset, Random, RandomAffine, createLearner, crossEntropy, fitFromConfig, fromArray, noGrad, randn, resnet18,
  type DigitDataset,
} from '../../src/main/engine'
import { simpleCnn } from '../../src/main/engine/models/cnn'
import { defaultTrainingConfig } from '../../src/shared/training'
import { expectShape } from '../helpers/allclose'

/** Every `step`-th image of each split: small, every class, same order every time. */
function subset(dataset: DigitDataset, step: number): DigitDataset {
  const take = (split: DigitDataset['train']) => {
    const rows = Array.from({ length: Math.ceil(split.count / step) }, (_, i) => i * step)
    const pixels = new Uint8Array(rows.length * 784)
    rows.forEach((row, i) => pixels.set(split.pixels.subarray(row * 784, (row + 1) * 784), i * 784))
    return { pixels, labels: Int32Array.from(rows, (row) => split.labels[row]), count: rows.length }
  }
  return { ...dataset, train: take(dataset.train), valid: take(dataset.valid) }
}

describe('ResNet-18 (torchvision layout) on 28×28 digits', () => {
  const model = resnet18({ inChannels: 1, numClasses: 10, random: new Random(5) })

  it('has torchvision\'s parameters, by name and count (less its RGB stem)', () => {
    const names = model.namedParameters().map(([name]) => name)
    expect(names.slice(0, 3)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias'])
    expect(names).toContain('layer2.0.downsample.0.weight')
    expect(names).toContain('layer4.1.bn2.bias')
    expect(names.at(-1)).toBe('fc.bias')
    // torchvision's resnet18(num_classes=10): 11,181,642 parameters; a 1-channel stem has 2·64·49 fewer
    expect(model.parameterCount()).toBe(11_181_642 - 2 * 64 * 49)
    expect(model.namedBuffers().map(([name]) => name)).toContain('layer3.1.bn1.runningVar')
  })

  it('maps (n, 1, 28, 28) to (n, classes) and gives every parameter a finite gradient of its shape', () => {
    // (Its values are checked against PyTorch end to end in conv.torch.test.ts.)
    const x = randn([3, 1, 28, 28], new Random(6))
    model.train()
    const out = model.forward(x)
    expectShape(out, [3, 10])
    crossEntropy(out, fromArray([1, 7, 3])).backward()
    for (const [name, param] of model.namedParameters()) {
      expect(param.grad, `${name} gets a gradient`).not.toBeNull()
      expectShape(param.grad!, param.shape, name)
      expect(param.grad!.data.every(Number.isFinite), `${name} is finite`).toBe(true)
    }
    model.eval()
    expectShape(noGrad(() => model.forward(x)), [3, 10])
  })
})

describe('the default CNN', () => {
  it('is four stride-2 conv–BN–ReLU stages, a global pool and a linear layer', () => {
    const cnn = simpleCnn([16, 32, 64, 128], 1, 10, new Random(1))
    expectShape(noGrad(() => cnn.eval().forward(randn([2, 1, 28, 28], new Random(2)))), [2, 10])
    expect(cnn.parameterCount()).toBe(9 * 16 + 16 * 9 * 32 + 32 * 9 * 64 + 64 * 9 * 128 + 2 * (16 + 32 + 64 + 128) + 128 * 10 + 10)
  })

  it('learns all ten digits from a small subset in one epoch', async () => {
    const mnist = subset(loadBuiltinDataset('mnist'), 20)
    const config = { ...defaultTrainingConfig('cnn', 10), epochs: 1 }
    const learner = createLearner(mnist, config)
    await fitFromConfig(learner, config)
    expect(learner.recorder.last!.metrics.accuracy).toBeGreaterThan(0.85)
  })
})

describe('training-only augmentation', () => {
  const image = new Float32Array(28 * 28)
  for (let y = 8; y < 20; y++) for (let x = 12; x < 16; x++) image[y * 28 + x] = 1

  it('is the identity when every range is 0', () => {
    const out = new Float32Array(image.length)
    new RandomAffine(new Random(1), { maxRotate: 0, maxShift: 0, maxScale: 0 }).apply(image, 0, out, 0, 28, 28)
    expect(out).toEqual(image)
  })

  it('moves, turns and scales the digit a little, the same way for the same seed', () => {
    const run = (seed: number): Float32Array => {
      const out = new Float32Array(image.length)
      new RandomAffine(new Random(seed)).apply(image, 0, out, 0, 28, 28)
      return out
    }
    const [a, b, c] = [run(3), run(3), run(4)]
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    expect(a).not.toEqual(image)
    const mass = (values: Float32Array): number => values.reduce((s, v) => s + v, 0)
    // scale ±10% changes the area by at most ~21%; the ink stays inside the image
    expect(mass(a) / mass(image)).toBeGreaterThan(0.75)
    expect(mass(a) / mass(image)).toBeLessThan(1.25)
    expect(Math.max(...a)).toBeLessThanOrEqual(1 + 1e-6)
  })

  it('applies to the training split only, and is off by default', () => {
    const sample = subset(loadBuiltinDataset('mnist-sample'), 50)
    const on = createLearner(sample, { ...defaultTrainingConfig('cnn', 2), augment: true })
    expect((on.dls.train.dataset as ImageDataset).augment).not.toBeNull()
    expect((on.dls.valid.dataset as ImageDataset).augment).toBeNull()
    const off = createLearner(sample, defaultTrainingConfig('cnn', 2))
    expect((off.dls.train.dataset as ImageDataset).augment).toBeNull()
    // turning it on changes the images, not the weights or the batch order
    expect(on.model.stateDict()).toEqual(off.model.stateDict())
    const [augmented, plain] = [[...on.dls.train][0], [...off.dls.train][0]]
    expect(augmented.y.data).toEqual(plain.y.data)
    expect(augmented.x.data).not.toEqual(plain.x.data)
  })
})
