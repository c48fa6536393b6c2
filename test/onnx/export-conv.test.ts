import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DataLoader } from '../../src/main/engine/data/dataloader'
import { ImageDataset, type ImageSplit } from '../../src/main/engine/data/dataset'
import { Learner } from '../../src/main/engine/learner/learner'
import { accuracy } from '../../src/main/engine/learner/metrics'
import { AdaptiveAvgPool2d, AvgPool2d, Conv2d, MaxPool2d } from '../../src/main/engine/nn/conv'
import { Flatten, Linear, ReLU, Sequential } from '../../src/main/engine/nn/layers'
import type { Module } from '../../src/main/engine/nn/module'
import { BatchNorm2d, Dropout } from '../../src/main/engine/nn/normalization'
import { resnet18 } from '../../src/main/engine/nn/resnet'
import { crossEntropy } from '../../src/main/engine/ops/loss'
import { SGD } from '../../src/main/engine/optim/sgd'
import { Random } from '../../src/main/engine/random'
import { describeModel, exportOnnx, formatParity } from '../../src/main/onnx'
import { mnistSample, officialCheck, tempFolder } from './helpers'

/** The first `count` training images spread over the split, so a convolutional model trains in seconds. */
function spread(split: ImageSplit, count: number): ImageSplit {
  const rows = Int32Array.from({ length: count }, (_, i) => Math.floor((i * split.count) / count))
  const pixels = new Uint8Array(count * 784)
  rows.forEach((row, i) => pixels.set(split.pixels.subarray(row * 784, (row + 1) * 784), i * 784))
  return { pixels, labels: Int32Array.from(rows, (row) => split.labels[row]), count }
}

/** One epoch of SGD with momentum over a few training images: weights and batch-norm statistics move. */
async function trainOn(model: Module, images: number, batchSize: number, lr: number): Promise<void> {
  const { train, valid } = mnistSample()
  const dls = {
    train: new DataLoader(new ImageDataset(spread(train, images), 28, 28, 'class'), { batchSize, shuffle: true, seed: 1 }),
    valid: new DataLoader(new ImageDataset(spread(valid, 64), 28, 28, 'class'), { batchSize: 64 }),
  }
  await new Learner(dls, model, { lossFunc: crossEntropy, optFunc: (params, rate) => new SGD(params, rate, { momentum: 0.9 }), metrics: [accuracy], lr }).fit(1)
}

async function exportAndCheck(name: string, model: Module, spec: { kind: 'cnn'; channels: number[] } | { kind: 'resnet18' }) {
  const path = join(await tempFolder('export-conv'), `${name}.onnx`)
  const source = { model, spec: spec as never, labelNames: ['3', '7'], training: { dataset: 'mnist-sample', loss: 'ce' as const, epochs: 1, metrics: {} } }
  const { parity } = await exportOnnx(path, source, mnistSample().valid, { maxImages: Infinity })
  console.info(`  ${name}: ${formatParity(parity)}`)
  return { path, parity }
}

describe('exporting convolutional models', () => {
  it('a CNN of every convolutional layer (Conv, BatchNormalization, MaxPool, AveragePool, Dropout, GlobalAveragePool) matches the engine on every validation image', async () => {
    const random = new Random(5)
    const model = new Sequential(
      new Conv2d(1, 8, 3, { stride: 2, padding: 1, bias: false, random }), new BatchNorm2d(8), new ReLU(),
      new Conv2d(8, 16, 3, { padding: 1, random }), new BatchNorm2d(16), new ReLU(), new MaxPool2d({ kernelSize: 2 }),
      new AvgPool2d({ kernelSize: 3, stride: 1, padding: 1 }), new Dropout(0.25, random),
      new AdaptiveAvgPool2d(1), new Flatten(), new Linear(16, 2, { random }),
    )
    await trainOn(model, 2048, 64, 0.05)
    const { path, parity } = await exportAndCheck('cnn', model, { kind: 'cnn', channels: [8, 16] })
    expect(parity.images).toBe(2038)
    expect(parity.maxLogitDelta).toBeLessThanOrEqual(1e-4)
    expect(parity.argmaxAgreement).toBe(1)
    expect(officialCheck(path)).toBeNull()
  })

  it('ResNet-18 (residual blocks, batch norm in inference form) matches the engine on every validation image', async () => {
    const model = resnet18({ inChannels: 1, numClasses: 2, random: new Random(6) })
    await trainOn(model, 64, 32, 0.01)
    const { path, parity } = await exportAndCheck('resnet18', model, { kind: 'resnet18' })
    expect(parity.images).toBe(2038)
    expect(parity.passed).toBe(true)
    expect(parity.maxLogitDelta).toBeLessThanOrEqual(1e-4 * Math.max(1, parity.maxLogit))
    expect(parity.argmaxAgreement).toBe(1)
    expect(describeModel(await readFile(path)).declaredBytes).toBeGreaterThan(40e6)
    expect(officialCheck(path)).toBeNull()
  }, 300_000)
})
