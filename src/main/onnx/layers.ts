import { PixelSimilarity } from '../engine/models/pixel-similarity'
import { Flatten, Linear, ReLU, Sequential, Sigmoid } from '../engine/nn/layers'
import type { Module } from '../engine/nn/module'
import { ModuleRegistry, type ModuleClass } from '../engine/nn/registry'
import type { Tensor } from '../engine/tensor'
import { attr, type GraphBuilder } from './graph'

/** What a layer's exporter works with: the graph, and a way to export a child module. */
export interface ExportContext {
  readonly graph: GraphBuilder
  /** Export `module` (named `path`, as in the state dict) applied to the value `input`; returns its output. */
  exportModule(module: Module, input: string, path: string): string
  /** A parameter or buffer as an initializer named by its state-dict path (`1.weight`). */
  weight(tensor: Tensor, path: string, dims?: readonly number[]): string
}

/** Adds the ONNX nodes that compute `module.forward(input)` and returns the output's name. */
export type LayerExporter<M extends Module> = (module: M, input: string, context: ExportContext, path: string) => string

// NOTE: keyed by class; a lookup walks the prototype chain, so a subclass exports like its parent unless registered.
const registry = new ModuleRegistry<LayerExporter<Module>>()

/** Teach the exporter a module type. Adding a layer to Digit Lab's engine means adding one of these. */
export function registerLayer<M extends Module>(type: ModuleClass<M>, exporter: LayerExporter<M>): void {
  registry.register(type, exporter as LayerExporter<Module>)
}

/** The exporter for a module's class (or its nearest registered ancestor), or null. */
export function exporterFor(module: Module): LayerExporter<Module> | null {
  return registry.nearest(module)
}

/** The state-dict path of a child: `prefix.name`, or `name` at the top. */
export const childPath = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name)

registerLayer(Sequential, (module, input, context, path) =>
  module.namedChildren().reduce((value, [name, child]) => context.exportModule(child, value, childPath(path, name)), input),
)

registerLayer(Flatten, (_module, input, { graph }) => graph.node('Flatten', [input], { axis: attr.int(1) }))

registerLayer(ReLU, (_module, input, { graph }) => graph.node('Relu', [input]))

registerLayer(Sigmoid, (_module, input, { graph }) => graph.node('Sigmoid', [input]))

// y = x·Wᵀ + b, W (out, in) as stored: Gemm with transB = 1. Its input is (N, in), as after Flatten.
registerLayer(Linear, (module, input, context, path) => {
  const weight = context.weight(module.weight, childPath(path, 'weight'))
  const inputs = [input, weight]
  if (module.bias) inputs.push(context.weight(module.bias, childPath(path, 'bias')))
  return context.graph.node('Gemm', inputs, { transB: attr.int(1) }, childPath(path, 'Gemm'))
})

// The chapter's baseline, by broadcasting: (N, 1, P) − (1, K, P) → |·| or (·)² → mean over P → √ for RMSE → negate.
registerLayer(PixelSimilarity, (module, input, context, path) => {
  const { graph } = context
  const [classes, size] = module.means.shape
  const flat = graph.node('Reshape', [input, graph.int64s('pixels_shape', [-1, 1, size])], {}, 'pixels')
  const means = context.weight(module.means, childPath(path, 'means'), [1, classes, size])
  const diff = graph.node('Sub', [flat, means], {}, 'difference')
  const spread = module.distance === 'l1'
    ? graph.node('Abs', [diff], {}, 'absolute_difference')
    : graph.node('Pow', [diff, graph.floats('two', new Float32Array([2]), [])], {}, 'squared_difference')
  const mean = graph.node('ReduceMean', [spread], { axes: attr.ints([-1]), keepdims: attr.int(0) }, 'mean_difference')
  const distance = module.distance === 'l1' ? mean : graph.node('Sqrt', [mean], {}, 'distance')
  return graph.node('Neg', [distance], {}, 'negative_distance')
})
