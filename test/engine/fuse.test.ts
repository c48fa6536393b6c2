import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  BatchNorm2d, Conv2d, ConvBatchNorm2d, Identity, Module, Random, ReLU, Sequential, createModel, fuseConvBatchNorm, noGrad,
  plainChildren, randn, type DigitDataset,
} from '../../src/main/engine'
import { simpleCnn } from '../../src/main/engine/models/cnn'
import { resnet18 } from '../../src/main/engine/nn/resnet'
import { MODEL_KINDS, defaultModelSpec } from '../../src/shared/models'

/** A tiny 28×28 dataset with two images a split: what createModel needs to build any kind. */
const split = { pixels: new Uint8Array(2 * 784).map((_, i) => i % 251), labels: Int32Array.of(0, 1), count: 2 }
const dataset: DigitDataset = { name: 'tiny', labelNames: ['0', '1'], height: 28, width: 28, train: split, valid: split }

/** Every module of a tree, each once (a fused module's parts are its children). */
function modules(root: Module): Module[] {
  return [root, ...root.namedChildren().flatMap(([, child]) => modules(child))]
}

afterEach(() => vi.restoreAllMocks())

describe('the conv → batch norm fusion pass', () => {
  it('keeps every parameter and buffer name, in order, and the printout shows what it fused', () => {
    for (const [plain, fused] of [
      [simpleCnn([8, 16], 1, 10, new Random(1)), fuseConvBatchNorm(simpleCnn([8, 16], 1, 10, new Random(1)))],
      [resnet18({ numClasses: 10, random: new Random(2) }), fuseConvBatchNorm(resnet18({ numClasses: 10, random: new Random(2) }))],
    ]) {
      expect(Object.keys(fused.stateDict())).toEqual(Object.keys(plain.stateDict()))
      expect(fused.namedParameters().map(([name]) => name)).toEqual(plain.namedParameters().map(([name]) => name))
      expect(String(plain)).not.toContain('ConvBatchNorm2d')
      expect(String(fused)).toContain('ConvBatchNorm2d(')
      fused.loadStateDict(plain.stateDict())
    }
    expect(String(fuseConvBatchNorm(simpleCnn([8], 1, 10, new Random(1))))).toBe([
      'Sequential(',
      '  (0): ConvBatchNorm2d(',
      '    (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)',
      '    (1): BatchNorm2d(8, eps=0.00001, momentum=0.1)',
      '    (2): ReLU()',
      '  )',
      '  (1): Identity()',
      '  (2): Identity()',
      '  (3): AdaptiveAvgPool2d(output_size=1)',
      '  (4): Flatten()',
      '  (5): Linear(in_features=8, out_features=10, bias=True)',
      ')',
    ].join('\n'))
  })

  it('runs Conv2d.forward for every conv of every model the zoo builds, fused where a batch norm follows', () => {
    for (const kind of MODEL_KINDS) {
      const model = createModel(defaultModelSpec(kind), dataset, 2, new Random(3))
      const convs = modules(model).filter((m) => m instanceof Conv2d)
      const fusedConvs = modules(model).filter((m) => m instanceof ConvBatchNorm2d).length
      const forward = vi.spyOn(Conv2d.prototype, 'forward')
      noGrad(() => model.eval().forward(randn([2, 1, 28, 28], new Random(4))))
      expect(forward, kind).toHaveBeenCalledTimes(convs.length)
      expect(fusedConvs, kind).toBe(convs.length)
      vi.restoreAllMocks()
    }
  })

  it('leaves a conv alone when no batch norm follows, and plainChildren gives back the plain layers', () => {
    const conv = new Conv2d(1, 2, 3)
    const [norm, relu] = [new BatchNorm2d(2), new ReLU()]
    const model = fuseConvBatchNorm(new Sequential(conv, new ReLU(), new Conv2d(2, 2, 1), norm, relu))
    expect(model.layers[0]).toBe(conv)
    expect(model.layers[2]).toBeInstanceOf(ConvBatchNorm2d)
    expect(model.layers.slice(3).every((layer) => layer instanceof Identity)).toBe(true)
    expect(plainChildren(model).map(([name, layer]) => `${name}:${layer.constructor.name}`)).toEqual(['0:Conv2d', '1:ReLU', '2:Conv2d', '3:BatchNorm2d', '4:ReLU'])
    expect(fuseConvBatchNorm(model).layers[2]).toBeInstanceOf(ConvBatchNorm2d)
  })

  it('runs the fused op, in training and with batch norm statistics frozen', () => {
    const model = fuseConvBatchNorm(new Sequential(new Conv2d(1, 2, 3, { bias: false }), new BatchNorm2d(2), new ReLU()))
    const x = randn([2, 1, 5, 5], new Random(5)).requiresGrad_()
    expect(model.train().forward(x).gradFn?.opType).toBe('ConvBatchNormalization')
    const norm = model.namedChildren()[0][1].namedChildren()[1][1] as BatchNorm2d
    norm.statsFrozen = true
    const before = norm.runningMean.data.slice()
    model.train().forward(x)
    expect(norm.training).toBe(false)
    expect(norm.runningMean.data).toEqual(before)
  })
})
