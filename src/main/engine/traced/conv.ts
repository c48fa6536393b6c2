import { attr, type Attribute } from '../../onnx/graph'
import type { Conv2d } from '../nn/conv'
import type { Pair } from '../ops/conv'
import type { Pool2dOptions } from '../ops/pool'
import type { TraceContext } from './layers'
import { axes, keep, sizeOf, type Tracer, type Value } from './tracer'

const pair = (value: Pair): [number, number] => (typeof value === 'number' ? [value, value] : [value[0], value[1]])

/** The geometry of a window op on NCHW `x`: kernel, stride, padding and the output's planes. */
function geometry(x: Value, kernel: Pair, stride: Pair, padding: Pair) {
  const [kh, kw] = pair(kernel)
  const [sh, sw] = pair(stride)
  const [ph, pw] = pair(padding)
  const [h, w] = [x.shape[2], x.shape[3]]
  const [oh, ow] = [Math.floor((h + 2 * ph - kh) / sh) + 1, Math.floor((w + 2 * pw - kw) / sw) + 1]
  // ConvTranspose's output_padding: the rows and columns the forward window never reached, so dx is H×W again.
  const outputPadding = [h - ((oh - 1) * sh + kh - 2 * ph), w - ((ow - 1) * sw + kw - 2 * pw)]
  const window: Record<string, Attribute> = { kernel_shape: attr.ints([kh, kw]), strides: attr.ints([sh, sw]), pads: attr.ints([ph, pw, ph, pw]) }
  return { kh, kw, sh, sw, ph, pw, h, w, oh, ow, outputPadding, window }
}

const SWAP_01 = { perm: attr.ints([1, 0, 2, 3]) }

// y = W ⋆ x (+ b) → dx = ConvTranspose(dy, W) (same stride and pads), db = Σₙₕᵥ dy,
// dW[o,i] = Σₙ dy[n,o] ⋆ x[n,i]: a Conv of xᵀ (channels as the batch) with dyᵀ as its kernel, dilated by the stride
/** A Conv2d: forward Conv, backward ConvTranspose for the input and a dilated Conv over the batch for the weight. */
export function traceConv(context: TraceContext, module: Conv2d, x: Value, path: string): Value {
  const t = context.tracer
  const geo = geometry(x, module.kernelSize, module.stride, module.padding)
  const w = context.parameter(module.weight, `${path}.weight`)
  const b = module.bias ? context.parameter(module.bias, `${path}.bias`) : null
  const [n, cOut] = [x.shape[0], module.outChannels]
  const y = t.op('Conv', b ? [x, w, b] : [x, w], [n, cOut, geo.oh, geo.ow], geo.window, `${path}.Conv`)
  t.onBackward(() => {
    const g = t.grad(y)
    if (!g) return
    if (t.needsGrad(x)) {
      const attributes = { ...geo.window, output_padding: attr.ints(geo.outputPadding) }
      t.addGrad(x, t.op('ConvTranspose', [g, w], x.shape, attributes, 'conv_dx'))
    }
    t.addGrad(w, weightGradient(t, x, g, w, geo))
    if (b) t.addGrad(b, t.op('ReduceSum', [g, axes(t, [0, 2, 3])], b.shape, keep(false), 'conv_db'))
  })
  return y
}

// NOTE: measured (CPU, one thread, the CNN's 16→32 layer): this Conv took 2.3 ms; im2col by strided Slices of the
// padded xᵀ and one Gemm over batch and plane took 0.85 ms for the Gemm but 1.6 ms more for the Slices, Pad and Concat.
function weightGradient(t: Tracer, x: Value, g: Value, w: Value, geo: ReturnType<typeof geometry>): Value {
  const [n, cIn] = x.shape
  const cOut = g.shape[1]
  // The rows and columns past the kernel that a symmetric pad would add to the result: padding less at the end
  // (and dropping input rows no window reached) makes the result exactly kh×kw, with no wasted products.
  const [endH, endW] = [geo.ph - (geo.h + 2 * geo.ph - geo.sh * (geo.oh - 1) - geo.kh), geo.pw - (geo.w + 2 * geo.pw - geo.sw * (geo.ow - 1) - geo.kw)]
  const [usedH, usedW] = [geo.h + Math.min(0, endH), geo.w + Math.min(0, endW)]
  let input = x
  if (usedH < geo.h || usedW < geo.w) {
    input = t.op('Slice', [x, t.ints([0, 0]), t.ints([usedH, usedW]), t.ints([2, 3])], [n, cIn, usedH, usedW], {}, 'conv_dw_rows')
  }
  const xT = t.op('Transpose', [input], [cIn, n, usedH, usedW], SWAP_01, 'x_t')
  const gT = t.op('Transpose', [g], [cOut, n, geo.oh, geo.ow], SWAP_01, 'dy_t')
  const attributes = { dilations: attr.ints([geo.sh, geo.sw]), pads: attr.ints([geo.ph, geo.pw, Math.max(0, endH), Math.max(0, endW)]) }
  const r = t.op('Conv', [xT, gT], [cIn, cOut, geo.kh, geo.kw], attributes, 'conv_dw_t')
  return t.op('Transpose', [r], w.shape, SWAP_01, 'conv_dw')
}

// y = max over each window → dy goes to the position each maximum came from (MaxPool's Indices), summed where windows overlap
/** MaxPool2d, its backward a scatter-add of dy at the indices of the maxima. */
export function traceMaxPool(t: Tracer, options: Pool2dOptions, x: Value): Value {
  const geo = geometry(x, options.kernelSize, options.stride ?? options.kernelSize, options.padding ?? 0)
  const shape = [x.shape[0], x.shape[1], geo.oh, geo.ow]
  const [values, indices] = t.graph.nodeOutputs('MaxPool', [x.name], geo.window, ['MaxPool', 'MaxPool_indices'])
  const y: Value = { name: values, shape }
  t.onBackward(() => {
    const g = t.grad(y)
    if (!g) return
    const size = sizeOf(x.shape)
    const zeros = t.op('Expand', [t.constant([0], [1], 'zero'), t.ints([size], 'shape')], [size])
    const flatIndices = t.op('Reshape', [indices, t.ints([-1], 'shape')], [sizeOf(shape)])
    const flatGrad = t.op('Reshape', [g, t.ints([-1], 'shape')], [sizeOf(shape)])
    const scattered = t.op('ScatterElements', [zeros, flatIndices, flatGrad], [size], { axis: attr.int(0), reduction: attr.string('add') }, 'max_pool_grad')
    t.addGrad(x, t.op('Reshape', [scattered, t.ints(x.shape, 'shape')], x.shape))
  })
  markDifferentiable(t, x, y)
  return y
}

// y = mean over each window (padding counted) → dx = ConvTranspose(dy, 1/(kh·kw)) per plane
/** AvgPool2d (count_include_pad), its backward a ConvTranspose with a constant kernel on each plane. */
export function traceAvgPool(t: Tracer, options: Pool2dOptions, x: Value): Value {
  const geo = geometry(x, options.kernelSize, options.stride ?? options.kernelSize, options.padding ?? 0)
  const [n, c] = x.shape
  const y = t.op('AveragePool', [x], [n, c, geo.oh, geo.ow], { ...geo.window, count_include_pad: attr.int(1) })
  t.onBackward(() => {
    const g = t.grad(y)
    if (!g) return
    const planes = t.op('Reshape', [g, t.ints([n * c, 1, geo.oh, geo.ow], 'shape')], [n * c, 1, geo.oh, geo.ow])
    const kernel = t.constant(new Array<number>(geo.kh * geo.kw).fill(1 / (geo.kh * geo.kw)), [1, 1, geo.kh, geo.kw], 'mean_kernel')
    const attributes = { ...geo.window, output_padding: attr.ints(geo.outputPadding) }
    const spread = t.op('ConvTranspose', [planes, kernel], [n * c, 1, geo.h, geo.w], attributes, 'avg_pool_grad')
    t.addGrad(x, t.op('Reshape', [spread, t.ints(x.shape, 'shape')], x.shape))
  })
  return y
}

/** A node added through `graph.nodeOutputs` bypasses `op`: carry its input's differentiability over by hand. */
function markDifferentiable(t: Tracer, from: Value, to: Value): void {
  if (t.needsGrad(from)) t.markDifferentiable(to)
}
