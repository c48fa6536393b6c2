import { attr } from '../../onnx/graph'
import { AdaptiveAvgPool2d, AvgPool2d, Conv2d, MaxPool2d } from '../nn/conv'
import { ConvBatchNorm2d } from '../nn/fuse'
import { Flatten, Identity, Linear, ReLU, Sequential } from '../nn/layers'
import type { Module } from '../nn/module'
import { ModuleRegistry, type ModuleClass } from '../nn/registry'
import { Dropout } from '../nn/normalization'
import { BasicBlock, ResNet } from '../nn/resnet'
import type { Tensor } from '../tensor'
import { traceConv, traceMaxPool, traceAvgPool } from './conv'
import { traceBatchNorm } from './batch-norm'
import { BatchNorm2d } from '../nn/normalization'
import { NotTraceable, axes, keep, sizeOf, type Tracer, type Value } from './tracer'

/** What a module's emitter works with: the tracer, its parameters and running statistics as graph values. */
export interface TraceContext {
  readonly tracer: Tracer
  /** Emit `module` applied to `input` (named `path`, as in the state dict); returns its output. */
  module(module: Module, input: Value, path: string): Value
  /** A parameter as a graph input; its gradient becomes a graph output. */
  parameter(tensor: Tensor, path: string): Value
  /** A running statistic as a graph input, and `updated` as its new value (a graph output). */
  buffer(tensor: Tensor, path: string): Value
  update(tensor: Tensor, updated: Value): void
}

/** Emits the forward nodes of `module` on `input` and registers their backward; returns the output. */
export type ModuleTracer<M extends Module> = (module: M, input: Value, context: TraceContext, path: string) => Value

const registry = new ModuleRegistry<ModuleTracer<Module>>()

/** Teach the traced step a module type (forward and backward as ONNX nodes). */
export function registerTracer<M extends Module>(type: ModuleClass<M>, tracer: ModuleTracer<M>): void {
  registry.register(type, tracer as ModuleTracer<Module>)
}

// NOTE: exact class only, not the nearest ancestor: a subclass may compute something else, so it is refused.
/** The tracer of a module's own class, or null. */
export function tracerFor(module: Module): ModuleTracer<Module> | null {
  return registry.exact(module)
}

export const childPath = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name)

// d relu(x) = 1[y > 0]·dy
/** ReLU, its backward a Where on its output. */
export function traceRelu(t: Tracer, x: Value): Value {
  const y = t.op('Relu', [x], x.shape)
  t.onBackward(() => {
    const g = t.grad(y)
    if (!g || !t.needsGrad(x)) return
    const zero = t.constant([0], [], 'zero')
    t.addGrad(x, t.op('Where', [t.op('Greater', [y, zero], x.shape), g, zero], x.shape, {}, 'relu_grad'))
  })
  return y
}

// d(a + b) = da + db
/** A residual add: the gradient goes to both sides unchanged. */
export function traceAdd(t: Tracer, a: Value, b: Value): Value {
  const y = t.op('Add', [a, b], a.shape)
  t.onBackward(() => {
    const g = t.grad(y)
    if (!g) return
    t.addGrad(a, g)
    t.addGrad(b, g)
  })
  return y
}

registerTracer(Sequential, (module, input, context, path) =>
  module.namedChildren().reduce((value, [name, child]) => context.module(child, value, childPath(path, name)), input),
)

registerTracer(ReLU, (_module, input, { tracer }) => traceRelu(tracer, input))

registerTracer(Dropout, (module, input) => {
  if (module.training && module.p > 0) throw new NotTraceable('Dropout in training (its masks come from our own generator)')
  return input
})

// d flatten = reshape back
registerTracer(Flatten, (_module, x, { tracer: t }) => {
  const y = t.op('Flatten', [x], [x.shape[0], sizeOf(x.shape.slice(1))], { axis: attr.int(1) })
  t.onBackward(() => {
    const g = t.grad(y)
    if (g) t.addGrad(x, t.op('Reshape', [g, t.ints(x.shape, 'shape')], x.shape))
  })
  return y
})

// y = x·Wᵀ + b → dx = dy·W, dW = dyᵀ·x, db = Σₙ dy
registerTracer(Linear, (module, x, context, path) => {
  const t = context.tracer
  if (x.shape.length !== 2) throw new NotTraceable(`Linear on input of rank ${x.shape.length}`)
  const w = context.parameter(module.weight, childPath(path, 'weight'))
  const b = module.bias ? context.parameter(module.bias, childPath(path, 'bias')) : null
  const shape = [x.shape[0], module.outFeatures]
  const y = t.op('Gemm', b ? [x, w, b] : [x, w], shape, { transB: attr.int(1) }, childPath(path, 'Gemm'))
  t.onBackward(() => {
    const g = t.grad(y)
    if (!g) return
    if (t.needsGrad(x)) t.addGrad(x, t.op('Gemm', [g, w], x.shape, {}, 'linear_dx'))
    t.addGrad(w, t.op('Gemm', [g, x], w.shape, { transA: attr.int(1) }, 'linear_dw'))
    if (b) t.addGrad(b, t.op('ReduceSum', [g, axes(t, [0])], b.shape, keep(false), 'linear_db'))
  })
  return y
})

// mean over each plane → dx = dy/(H·W) spread over the plane
registerTracer(AdaptiveAvgPool2d, (_module, x, { tracer: t }) => {
  const [n, c, h, w] = x.shape
  const y = t.op('GlobalAveragePool', [x], [n, c, 1, 1])
  t.onBackward(() => {
    const g = t.grad(y)
    if (!g) return
    const share = t.op('Mul', [g, t.constant([1 / (h * w)], [], 'inverse_area')], g.shape)
    t.addGrad(x, t.op('Expand', [share, t.ints(x.shape, 'shape')], x.shape, {}, 'global_pool_grad'))
  })
  return y
})

registerTracer(Conv2d, (module, x, context, path) => traceConv(context, module, x, path))
registerTracer(MaxPool2d, (module, x, { tracer }) => traceMaxPool(tracer, module.options, x))
registerTracer(AvgPool2d, (module, x, { tracer }) => traceAvgPool(tracer, module.options, x))
registerTracer(BatchNorm2d, (module, x, context, path) => traceBatchNorm(context, module, x, path))

// A fused module traces as its parts, named as the plain model's.
registerTracer(ConvBatchNorm2d, (module, x, context, path) =>
  module.partPaths(path).reduce((value, [partPath, part]) => context.module(part, value, partPath), x),
)

// What a fusion leaves where its other parts stood.
registerTracer(Identity, (_module, x) => x)

registerTracer(BasicBlock, (module, x, context, path) => {
  const run = (name: 'conv1' | 'bn1' | 'relu' | 'conv2' | 'bn2', value: Value): Value => context.module(module[name], value, childPath(path, name))
  const out = run('bn2', run('conv2', run('relu', run('bn1', run('conv1', x)))))
  const identity = module.downsample ? context.module(module.downsample, x, childPath(path, 'downsample')) : x
  return traceRelu(context.tracer, traceAdd(context.tracer, out, identity))
})

registerTracer(ResNet, (module, x, context, path) => {
  const run = (name: 'conv1' | 'bn1' | 'relu' | 'maxpool' | 'layer1' | 'layer2' | 'layer3' | 'layer4' | 'avgpool' | 'flatten' | 'fc', value: Value): Value =>
    context.module(module[name], value, childPath(path, name))
  const stem = run('maxpool', run('relu', run('bn1', run('conv1', x))))
  return run('fc', run('flatten', run('avgpool', run('layer4', run('layer3', run('layer2', run('layer1', stem)))))))
})
