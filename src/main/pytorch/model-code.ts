import { AdaptiveAvgPool2d, Conv2d, MaxPool2d } from '../engine/nn/conv'
import { plainChildren } from '../engine/nn/fuse'
import { Flatten, Linear, ReLU, Sequential } from '../engine/nn/layers'
import type { Module } from '../engine/nn/module'
import { BatchNorm2d } from '../engine/nn/normalization'
import { ResNet } from '../engine/nn/resnet'
import type { ModelSpec } from '../../shared/models'
import { RESNET_PY } from './templates/resnet-py'

const pair = (value: number | readonly [number, number]): string => (typeof value === 'number' ? String(value) : `(${value.join(', ')})`)

/** One layer of a Sequential as the torch.nn layer with the same parameters and names. */
function torchLayer(layer: Module): string {
  if (layer instanceof Flatten) return 'nn.Flatten()'
  if (layer instanceof ReLU) return 'nn.ReLU()'
  if (layer instanceof Linear) return `nn.Linear(${layer.inFeatures}, ${layer.outFeatures}${layer.bias ? '' : ', bias=False'})`
  if (layer instanceof Conv2d) {
    return `nn.Conv2d(${layer.inChannels}, ${layer.outChannels}, ${pair(layer.kernelSize)}, stride=${pair(layer.stride)}, padding=${pair(layer.padding)}${layer.bias ? '' : ', bias=False'})`
  }
  if (layer instanceof BatchNorm2d) {
    const defaults = layer.eps === 1e-5 && layer.momentum === 0.1
    return `nn.BatchNorm2d(${layer.numFeatures}${defaults ? '' : `, eps=${layer.eps}, momentum=${layer.momentum}`})`
  }
  if (layer instanceof AdaptiveAvgPool2d) return 'nn.AdaptiveAvgPool2d(1)'
  if (layer instanceof MaxPool2d) {
    const { kernelSize, stride = kernelSize, padding = 0 } = layer.options
    return `nn.MaxPool2d(${pair(kernelSize)}, stride=${pair(stride)}, padding=${pair(padding)})`
  }
  throw new Error(`a ${layer.constructor.name} layer has no PyTorch export yet`)
}

/** What a model kind is, in the words of the model's docstring. */
const DESCRIPTIONS: Record<ModelSpec['kind'], string> = {
  pixel: 'Pixel similarity',
  linear: 'The chapter\'s linear model: one weight per pixel and output',
  simple_net: 'The chapter\'s simple_net: linear, ReLU, linear',
  mlp: 'A multi-layer perceptron: linear layers with a ReLU between each two',
  cnn: 'Digit Lab\'s CNN: per stage a 3x3 stride-2 convolution, batch norm and ReLU; then average pool, linear',
  resnet18: 'ResNet-18',
}

/**
 * The Python that builds `model` in torch.nn — layer for layer, so its state dict has the engine's names
 * (`1.weight`, `3.bias`; batch norm's running statistics become PyTorch's running_mean / running_var).
 */
export function modelCode(model: Module, spec: ModelSpec, inChannels: number, outputs: number): string {
  if (model instanceof ResNet) return RESNET_PY.replaceAll('{{IN_CHANNELS}}', String(inChannels)).replaceAll('{{OUTPUTS}}', String(outputs))
  if (!(model instanceof Sequential)) throw new Error(`a ${model.constructor.name} model has no PyTorch export yet`)
  // A fused conv → batch norm (→ ReLU) is written as its layers: PyTorch trains them one by one.
  const children = plainChildren(model)
  const code = children.map(([, layer]) => `        ${torchLayer(layer)},`)
  const width = Math.max(...code.map((line) => line.length)) + 2
  // Each layer's index is its name in the state dict (`1.weight`), so it is shown beside it.
  const layers = code.map((line, i) => `${line.padEnd(width)}# ${children[i][0]}`).join('\n')
  const head = [
    'def build_model():',
    `    """${DESCRIPTIONS[spec.kind]}.`,
    '',
    '    Layer for layer as Digit Lab builds it, so the state dict\'s names (the index, then weight or bias) match."""',
  ]
  if (spec.kind === 'linear' && spec.init === 'randn') {
    return [...head, `    model = nn.Sequential(\n${layers}\n    )`,
      '    for p in model.parameters():',
      '        nn.init.normal_(p, std=1.0)  # the chapter\'s init_params: weights and bias drawn from randn',
      '    return model'].join('\n')
  }
  return [...head, `    return nn.Sequential(\n${layers}\n    )`].join('\n')
}
