import type { Col2im, ConvGeometry, Im2col, SumRows, SwapAxes } from '../im2col'
import { PASSES } from './generated/interface'
import type { SharePass } from './helpers'
import type { KernelModule } from './instance'
import type { Layout } from './layout'
import { callStaged } from './staging'

/** The geometry's sizes in the order conv.as.ts takes them after its two pointers. */
type GeometryArgs = [batch: number, channels: number, height: number, width: number, kernelH: number, kernelW: number,
  strideH: number, strideW: number, padH: number, padW: number, outH: number, outW: number]

/** The conv path's memory passes on WebAssembly SIMD (conv.as.ts), giving the reference's bits. */
export interface ConvKernels {
  readonly im2col: Im2col
  readonly col2im: Col2im
  readonly swapAxes: SwapAxes
  readonly sumRows: SumRows
}

function geometryArgs(g: ConvGeometry): GeometryArgs {
  return [g.batch, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW, g.outH, g.outW]
}

function checkLength(kernel: string, what: string, array: Float32Array, length: number): void {
  if (array.length < length) throw new RangeError(`${kernel}: ${what} holds ${array.length} values, the geometry needs ${length}`)
}

/** Below this many values written a pass runs on one thread: waking a helper costs ~10–50 µs. */
const PARALLEL_MIN_VALUES = 1 << 18
/** The passes of conv.as.ts's job blocks. */
const { im2col: IM2COL, col2im: COL2IM, swapAxes: SWAP_AXES } = PASSES.convChunks

/** The first `length` values of `array` (which the caller checked holds that many). */
const first = (array: Float32Array, length: number): Float32Array => (array.length === length ? array : array.subarray(0, length))

/**
 * The kernels on the module's exports; arrays go in and out as `callStaged` moves them. A large pass is cut along
 * channels (rows of the first axis) and shared with helper threads by `share`.
 */
export function createConvKernels(wasm: KernelModule, layout: Layout, share: SharePass): ConvKernels {
  const { exports } = wasm
  /** Shares the pass when it is large enough to pay; false if not shared. */
  const shared = (pass: number, args: readonly number[], values: number, total: number): boolean =>
    values >= PARALLEL_MIN_VALUES && share(pass, total, args)
  const sizes = (g: ConvGeometry): [input: number, cols: number] => {
    const input = g.batch * g.channels * g.height * g.width
    return [input, g.channels * g.kernelH * g.kernelW * g.batch * g.outH * g.outW]
  }
  return {
    im2col(x, g, cols) {
      const [input, length] = sizes(g)
      checkLength('im2col', 'x', x, input)
      checkLength('im2col', 'cols', cols, length)
      callStaged(wasm, layout, [[first(x, input), 'in'], [first(cols, length), 'out']], ([xAt, colsAt]) => {
        if (!shared(IM2COL, [xAt, colsAt, ...geometryArgs(g)], length, g.channels)) exports.im2col(xAt, colsAt, ...geometryArgs(g), 0, g.channels)
      })
    },
    col2im(cols, g, dx) {
      const [input, length] = sizes(g)
      checkLength('col2im', 'cols', cols, length)
      checkLength('col2im', 'dx', dx, input)
      callStaged(wasm, layout, [[first(cols, length), 'in'], [first(dx, input), 'inout']], ([colsAt, dxAt]) => {
        if (!shared(COL2IM, [colsAt, dxAt, ...geometryArgs(g)], length, g.channels)) exports.col2im(colsAt, dxAt, ...geometryArgs(g), 0, g.channels)
      })
    },
    swapAxes(src, outer, inner, plane, out, add) {
      const length = outer * inner * plane
      checkLength('swapAxes', 'src', src, length)
      checkLength('swapAxes', 'out', out, length)
      if (add) checkLength('swapAxes', 'add', add, outer)
      const staged = [[first(src, length), 'in'], [first(out, length), 'out'], [add && first(add, outer), 'in']] as const
      callStaged(wasm, layout, staged, ([srcAt, outAt, addAt]) => {
        if (!shared(SWAP_AXES, [srcAt, outer, inner, plane, outAt, addAt], length, outer)) exports.swapAxes(srcAt, outer, inner, plane, outAt, addAt, 0, outer)
      })
    },
    sumRows(values, rows, columns, out) {
      checkLength('sumRows', 'values', values, rows * columns)
      checkLength('sumRows', 'out', out, rows)
      callStaged(wasm, layout, [[first(values, rows * columns), 'in'], [first(out, rows), 'out']], ([valuesAt, outAt]) => {
        exports.sumRows(valuesAt, rows, columns, outAt)
      })
    },
  }
}
