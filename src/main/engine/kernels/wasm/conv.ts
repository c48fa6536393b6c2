import type { Col2im, ConvGeometry, Im2col, SumRows, SwapAxes } from '../conv'
import type { GemmModule } from './instance'
import type { Layout } from './layout'

/** The geometry's sizes in the order conv.as.ts takes them after its two pointers. */
type GeometryArgs = [batch: number, channels: number, height: number, width: number, kernelH: number, kernelW: number,
  strideH: number, strideW: number, padH: number, padW: number, outH: number, outW: number]

/** What conv.as.ts exports; pointers are byte offsets into the memory, channel ranges [c0, c1). */
interface ConvExports {
  im2col(x: number, cols: number, ...args: [...GeometryArgs, c0: number, c1: number]): void
  col2im(cols: number, dx: number, ...args: [...GeometryArgs, c0: number, c1: number]): void
  swapAxes(src: number, outer: number, inner: number, plane: number, out: number, add: number, a0: number, a1: number): void
  sumRows(values: number, rows: number, columns: number, out: number): void
}

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

/**
 * Arrays in the kernels' memory (see `allocateKernelArray`) are read and written in place; others are copied
 * into the scratch first (`copyIn`) and the outputs copied back after.
 */
export function createConvKernels(wasm: GemmModule, layout: Layout): ConvKernels {
  const exports = wasm.exports as unknown as ConvExports
  const held = (array: Float32Array): boolean => layout.heap.holds(array)
  /** Runs `kernel` on the addresses of `arrays`; copies in the `copyIn` ones not in the kernels' memory, and `out` back. */
  const run = (arrays: readonly Float32Array[], lengths: readonly number[], copyIn: readonly boolean[], out: number, kernel: (...at: number[]) => void): void => {
    const at = layout.place(arrays, lengths)
    const memory = new Float32Array(wasm.memory.buffer)
    arrays.forEach((array, i) => {
      if (copyIn[i] && !held(array)) memory.set(array.length === lengths[i] ? array : array.subarray(0, lengths[i]), at[i] / 4)
    })
    kernel(...at)
    if (!held(arrays[out])) arrays[out].set(memory.subarray(at[out] / 4, at[out] / 4 + lengths[out]))
  }
  const sizes = (g: ConvGeometry): [input: number, cols: number] => {
    const input = g.batch * g.channels * g.height * g.width
    return [input, g.channels * g.kernelH * g.kernelW * g.batch * g.outH * g.outW]
  }
  return {
    im2col(x, g, cols) {
      const [input, length] = sizes(g)
      checkLength('im2col', 'x', x, input)
      checkLength('im2col', 'cols', cols, length)
      run([x, cols], [input, length], [true, false], 1, (xAt, colsAt) => exports.im2col(xAt, colsAt, ...geometryArgs(g), 0, g.channels))
    },
    col2im(cols, g, dx) {
      const [input, length] = sizes(g)
      checkLength('col2im', 'cols', cols, length)
      checkLength('col2im', 'dx', dx, input)
      run([cols, dx], [length, input], [true, true], 1, (colsAt, dxAt) => exports.col2im(colsAt, dxAt, ...geometryArgs(g), 0, g.channels))
    },
    swapAxes(src, outer, inner, plane, out, add) {
      const length = outer * inner * plane
      checkLength('swapAxes', 'src', src, length)
      checkLength('swapAxes', 'out', out, length)
      if (add) checkLength('swapAxes', 'add', add, outer)
      const arrays = add ? [src, out, add] : [src, out]
      run(arrays, [length, length, outer], [true, false, true], 1, (srcAt, outAt, addAt = 0) => exports.swapAxes(srcAt, outer, inner, plane, outAt, addAt, 0, outer))
    },
    sumRows(values, rows, columns, out) {
      checkLength('sumRows', 'values', values, rows * columns)
      checkLength('sumRows', 'out', out, rows)
      run([values, out], [rows * columns, rows], [true, false], 1, (valuesAt, outAt) => exports.sumRows(valuesAt, rows, columns, outAt))
    },
  }
}
