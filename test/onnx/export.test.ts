import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import type { DigitDataset } from '../../src/main/engine/data/dataset'
import { createLearner } from '../../src/main/engine/learner/recipe'
import { Module } from '../../src/main/engine/nn/module'
import { Flatten, Linear, ReLU, Sequential } from '../../src/main/engine/nn/layers'
import { Random } from '../../src/main/engine/random'
import type { Tensor } from '../../src/main/engine/tensor'
import { buildOnnxModel, describeModel, exportOnnx, formatParity, OnnxClassifier, ParityError, registerLayer, type ParityReport } from '../../src/main/onnx'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'
import type { ModelKind } from '../../src/shared/models'
import { exportSource, mnistSample, officialCheck, trainBriefly } from './helpers'
import { itNeeding, pythonOnnxMissing } from '../helpers/system-parts'
import { tempFolder } from '../helpers/temp-folder'

interface Case {
  readonly name: string
  readonly kind: ModelKind
  readonly overrides?: Partial<TrainingConfig>
}

/** Every model type, with each output head: sigmoid pair (mnist loss), softmax (cross-entropy), negative distances. */
const CASES: readonly Case[] = [
  { name: 'pixel similarity (L1)', kind: 'pixel' },
  { name: 'pixel similarity (RMSE)', kind: 'pixel', overrides: { model: { kind: 'pixel', distance: 'rmse' } } },
  { name: 'linear (mnist loss)', kind: 'linear' },
  { name: 'simple_net (mnist loss)', kind: 'simple_net' },
  { name: 'simple_net (cross-entropy)', kind: 'simple_net', overrides: { loss: 'ce' } },
  { name: 'mlp (mnist loss, momentum)', kind: 'mlp' },
]

const measured: string[] = []
afterAll(() => console.info(`parity per model type, whole mnist-sample validation set:\n${measured.join('\n')}`))

describe.each(CASES)('exporting $name', ({ name, kind, overrides }) => {
  let path: string
  let report: ParityReport
  let config: TrainingConfig

  beforeAll(async () => {
    const trained = await trainBriefly(kind, overrides)
    config = trained.config
    path = join(await tempFolder('export'), 'model.onnx')
    report = (await exportOnnx(path, exportSource(trained.learner, config), mnistSample().valid, { maxImages: Infinity })).parity
    measured.push(`  ${name}: ${formatParity(report)}`)
  })

  it('runs under onnxruntime with the engine’s logits (max |Δlogit| ≤ 1e-4) and predictions (100%) on every validation image', () => {
    expect(report.images).toBe(2038)
    expect(report.maxLogitDelta).toBeLessThanOrEqual(1e-4)
    expect(report.argmaxAgreement).toBe(1)
    expect(report.passed).toBe(true)
  })

  it('carries its labels, preprocessing, architecture, training record, producer and a checksum', async () => {
    const description = describeModel(await readFile(path))
    expect(description.ours).toBe(true)
    expect(description.labels).toEqual(['3', '7'])
    expect(description.inputName).toBe('image')
    expect(description.batch).toBe('dynamic')
    expect(description.irVersion).toBe(8)
    expect(description.opsetVersion).toBe(17)
    const meta = description.metadata
    expect(JSON.parse(meta.get('architecture')!)).toEqual(config.model)
    expect(JSON.parse(meta.get('preprocessing')!)).toMatchObject({ size: [28, 28], polarity: 'ink-bright', scaling: 'pixel/255', centring: 'mnist' })
    expect(JSON.parse(meta.get('training')!)).toMatchObject({ dataset: 'mnist-sample', loss: config.loss, epochs: config.epochs })
    expect(JSON.parse(meta.get('outputs')!).probabilities).toMatch(config.loss === 'mnist' ? /^two columns ordered like labels: \[sigmoid\(logit\), sigmoid\(-logit\)\]/ : /^softmax of the logits/)
    expect(meta.get('producer')).toBe('digit-lab')
    expect(meta.get('checksum')).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  itNeeding(pythonOnnxMissing(), 'passes the official ONNX checker (full_check)', () => {
    expect(officialCheck(path)).toBeNull()
  })
})

describe('the outputs of an export', () => {
  let tenDigits = ''

  it('give a one-logit model two probability columns [P(first label), P(second label)] that sum to 1', async () => {
    const { learner, config } = await trainBriefly('linear')
    const classifier = await OnnxClassifier.fromBytes(buildOnnxModel(exportSource(learner, config)))
    const x = new Float32Array(784 * 3)
    const sample = mnistSample().valid
    for (const [row, index] of [0, 1, 2040 - 3].entries()) for (let j = 0; j < 784; j++) x[row * 784 + j] = sample.pixels[index * 784 + j] / 255
    const out = await classifier.run(x, 3)
    expect(out.classes).toBe(2)
    for (let i = 0; i < 3; i++) {
      expect(out.scores[i * 2] + out.scores[i * 2 + 1]).toBeCloseTo(1, 6)
      expect(out.scores[i * 2]).toBeCloseTo(1 / (1 + Math.exp(-out.logits![i])), 6)
    }
    await classifier.close()
  })

  it('scores all ten digits with a softmax, checked against the engine on MNIST', async () => {
    const full = loadBuiltinDataset('mnist')
    const every = (n: number) => Int32Array.from({ length: Math.floor(full.train.count / n) }, (_, i) => i * n)
    const pick = (indices: Int32Array) => ({
      pixels: Uint8Array.from({ length: indices.length * 784 }, (_, k) => full.train.pixels[indices[Math.floor(k / 784)] * 784 + (k % 784)]),
      labels: Int32Array.from(indices, (i) => full.train.labels[i]),
      count: indices.length,
    })
    const dataset: DigitDataset = { ...full, train: pick(every(10)) }
    const config = { ...defaultTrainingConfig('mlp', 10), epochs: 1 }
    const learner = createLearner(dataset, config)
    await learner.fit(1, config.lr)
    const path = join(await tempFolder('export10'), 'digits.onnx')
    const { parity } = await exportOnnx(path, { ...exportSource(learner, config), labelNames: full.labelNames }, full.valid)
    measured.push(`  mlp, ten digits (cross-entropy): ${formatParity(parity)}`)
    expect(parity.images).toBe(2000)
    expect(parity.maxLogitDelta).toBeLessThanOrEqual(1e-4)
    expect(parity.argmaxAgreement).toBe(1)
    expect(describeModel(await readFile(path)).labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    tenDigits = path
  })

  itNeeding(pythonOnnxMissing(), 'the ten-digit export passes the official ONNX checker (full_check)', () => {
    expect(officialCheck(tenDigits)).toBeNull()
  })
})

/** ReLU in the engine, but exported (deliberately wrongly) as LeakyRelu: the parity check must catch it. */
class MisexportedRelu extends ReLU {}
registerLayer(MisexportedRelu, (_module, input, { graph }) => graph.node('LeakyRelu', [input], { alpha: { kind: 'float', value: 0.5 } }))

class Unexportable extends Module {
  forward(x: Tensor): Tensor {
    return x.flatten().mean(-1, true).add(x.flatten().mean(-1, true))
  }
}

describe('an export that would not match the engine', () => {
  it('fails with the parity report and writes nothing, leaving an existing file as it was', async () => {
    const random = new Random(3)
    const model = new Sequential(new Flatten(), new Linear(784, 2, { random }), new MisexportedRelu())
    const folder = await tempFolder('parity')
    const path = join(folder, 'model.onnx')
    await writeFile(path, 'previous export')
    const source = { model, spec: { kind: 'mlp' as const, hidden: [2] }, labelNames: ['3', '7'], training: { dataset: 'mnist-sample', loss: 'ce' as const, epochs: 0, metrics: {} } }
    const failure = await exportOnnx(path, source, mnistSample().valid).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ParityError)
    const { report } = failure as ParityError
    expect(report.passed).toBe(false)
    expect(report.maxLogitDelta).toBeGreaterThan(1e-4)
    expect((failure as Error).message).toMatch(/^export refused, nothing written: onnxruntime disagrees with the engine — parity on 2000 validation images: max \|Δlogit\| /)
    expect(await readFile(path, 'utf8')).toBe('previous export')
    expect(await readdir(folder)).toEqual(['model.onnx'])
  })

  it('is judged relative to the logits’ size once they exceed 1: float32 rounding alone grows with them', async () => {
    const random = new Random(4)
    const linear = new Linear(784, 2, { random })
    linear.weight.data.forEach((w, i) => (linear.weight.data[i] = w * 3000))
    const source = { model: new Sequential(new Flatten(), linear), spec: { kind: 'linear' as const, init: 'pytorch' as const }, labelNames: ['3', '7'], training: { dataset: 'mnist-sample', loss: 'ce' as const, epochs: 0, metrics: {} } }
    const { parity } = await exportOnnx(join(await tempFolder('scaled'), 'scaled.onnx'), source, mnistSample().valid)
    expect(parity.maxLogit).toBeGreaterThan(1000)
    expect(parity.maxLogitDelta).toBeLessThanOrEqual(1e-4 * parity.maxLogit)
    expect(parity.passed).toBe(true)
    expect(formatParity(parity)).toMatch(/max \|Δlogit\| \S+ \(logits up to \d+\)/)
  })

  it('names a layer the exporter does not know', () => {
    const model = new Sequential(new Flatten(), new Linear(784, 2), new Unexportable())
    const source = { model, spec: { kind: 'mlp' as const, hidden: [2] }, labelNames: ['3', '7'], training: { dataset: 'x', loss: 'ce' as const, epochs: 0, metrics: {} } }
    expect(() => buildOnnxModel(source)).toThrow(/Digit Lab cannot export Unexportable layers to ONNX \(at "2"\)/)
  })
})
