import { AdaptiveAvgPool2d, AvgPool2d, Conv2d, MaxPool2d } from '../engine/nn/conv'
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

registerLayer(BasicBlock, (module, input, context, path) => {
  const { graph } = context
  const at = (name: string): string => childPath(path, name)
  const first = graph.node('Relu', [context.exportModule(module.bn1, context.exportModule(module.conv1, input, at('conv1')), at('bn1'))], {}, at('relu1'))
  const out = context.exportModule(module.bn2, context.exportModule(module.conv2, first, at('conv2')), at('bn2'))
  const identity = module.downsample ? context.exportModule(module.downsample, input, at('downsample')) : input
  return graph.node('Relu', [graph.node('Add', [out, identity], {}, at('residual'))], {}, at('relu2'))
})

registerLayer(ResNet, (module, input, context, path) => {
  const at = (name: string): string => childPath(path, name)
  const run = (name: 'conv1' | 'bn1' | 'maxpool' | 'layer1' | 'layer2' | 'layer3' | 'layer4' | 'avgpool' | 'flatten' | 'fc', value: string): string =>
    context.exportModule(module[name], value, at(name))
  const stem = run('maxpool', context.graph.node('Relu', [run('bn1', run('conv1', input))], {}, at('relu')))
  const features = run('layer4', run('layer3', run('layer2', run('layer1', stem))))
  return run('fc', run('flatten', run('avgpool', features)))
})
