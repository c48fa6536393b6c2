import { AdaptiveAvgPool2d, AvgPool2d, Conv2d, MaxPool2d } from '../engine/nn/conv'
import { ConvBatchNorm2d } from '../engine/nn/fuse'
import { Identity } from '../engine/nn/layers'
import { BatchNorm2d, Dropout } from '../engine/nn/normalization'
import { BasicBlock, ResNet } from '../engine/nn/resnet'
import type { Pair } from '../engine/ops/conv'
import { attr, type Attribute } from './graph'
import { childPath, registerLayer } from './layers'

const pair = (value: Pair): [number, number] => (typeof value === 'number' ? [value, value] : [value[0], value[1]])

/** ONNX's window attributes: kernel_shape, strides, and pads as [top, left, bottom, right]. */
function windowAttributes(kernel: Pair, stride: Pair, padding: Pair): Record<string, Attribute> {
  const [padH, padW] = pair(padding)
  return { kernel_shape: attr.ints(pair(kernel)), strides: attr.ints(pair(stride)), pads: attr.ints([padH, padW, padH, padW]) }
}

registerLayer(Conv2d, (module, input, context, path) => {
  const inputs = [input, context.weight(module.weight, childPath(path, 'weight'))]
  if (module.bias) inputs.push(context.weight(module.bias, childPath(path, 'bias')))
  return context.graph.node('Conv', inputs, windowAttributes(module.kernelSize, module.stride, module.padding), childPath(path, 'Conv'))
})

// Inference form: y = γ·(x − running mean)/√(running var + ε) + β, per channel.
registerLayer(BatchNorm2d, (module, input, context, path) => {
  const inputs = [
    input,
    context.weight(module.weight, childPath(path, 'weight')),
    context.weight(module.bias, childPath(path, 'bias')),
    context.weight(module.runningMean, childPath(path, 'runningMean')),
    context.weight(module.runningVar, childPath(path, 'runningVar')),
  ]
  return context.graph.node('BatchNormalization', inputs, { epsilon: attr.float(module.eps), momentum: attr.float(1 - module.momentum) }, childPath(path, 'BatchNormalization'))
})

registerLayer(MaxPool2d, (module, input, { graph }, path) => {
  const { kernelSize, stride, padding } = module.options
  return graph.node('MaxPool', [input], windowAttributes(kernelSize, stride ?? kernelSize, padding ?? 0), childPath(path, 'MaxPool'))
})

// The engine counts padding in the divisor, as PyTorch's default: count_include_pad = 1.
registerLayer(AvgPool2d, (module, input, { graph }, path) => {
  const { kernelSize, stride, padding } = module.options
  const attributes = { ...windowAttributes(kernelSize, stride ?? kernelSize, padding ?? 0), count_include_pad: attr.int(1) }
  return graph.node('AveragePool', [input], attributes, childPath(path, 'AveragePool'))
})

registerLayer(AdaptiveAvgPool2d, (_module, input, { graph }, path) => graph.node('GlobalAveragePool', [input], {}, childPath(path, 'GlobalAveragePool')))

// Dropout is the identity at inference: no node.
registerLayer(Dropout, (_module, input) => input)

// A fused module exports as its parts, one layer each, named as the plain model's.
registerLayer(ConvBatchNorm2d, (module, input, context, path) =>
  module.partPaths(path).reduce((value, [partPath, part]) => context.exportModule(part, value, partPath), input),
)

// What a fusion leaves where its other parts stood: no node.
registerLayer(Identity, (_module, input) => input)

registerLayer(BasicBlock, (module, input, context, path) => {
  const at = (name: string): string => childPath(path, name)
  const run = (name: 'conv1' | 'bn1' | 'relu' | 'conv2' | 'bn2', value: string): string => context.exportModule(module[name], value, at(name))
  const out = run('bn2', run('conv2', run('relu', run('bn1', run('conv1', input)))))
  const identity = module.downsample ? context.exportModule(module.downsample, input, at('downsample')) : input
  return context.graph.node('Relu', [context.graph.node('Add', [out, identity], {}, at('residual'))], {}, at('relu2'))
})

registerLayer(ResNet, (module, input, context, path) => {
  const at = (name: string): string => childPath(path, name)
  const run = (name: 'conv1' | 'bn1' | 'relu' | 'maxpool' | 'layer1' | 'layer2' | 'layer3' | 'layer4' | 'avgpool' | 'flatten' | 'fc', value: string): string =>
    context.exportModule(module[name], value, at(name))
  const stem = run('maxpool', run('relu', run('bn1', run('conv1', input))))
  const features = run('layer4', run('layer3', run('layer2', run('layer1', stem))))
  return run('fc', run('flatten', run('avgpool', features)))
})
