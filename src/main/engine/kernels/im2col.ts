/**
 * The sizes of one 2-D convolution (or pooling window walk) over an NCHW batch: input
 * `batch × channels × height × width`, a `kernelH × kernelW` window moved by the strides over the
 * input padded with zeros, giving `outH × outW` positions.
 */
export interface ConvGeometry {
  readonly batch: number
  readonly channels: number
  readonly height: number
  readonly width: number
  readonly kernelH: number
  readonly kernelW: number
  readonly strideH: number
  readonly strideW: number
  readonly padH: number
  readonly padW: number
  readonly outH: number
  readonly outW: number
}

/**
 * Unfold the windows of `x` (NCHW) into `cols`, a (channels·kernelH·kernelW) × (batch·outH·outW)
 * row-major matrix: row (c, i, j) holds input channel c at window offset (i, j) for every output
 * position of every image, so that a convolution is one GEMM with the (outC, C·kH·kW) weights.
 */
export type Im2col = (x: Float32Array, geometry: ConvGeometry, cols: Float32Array) => void

/** The adjoint of im2col: add each entry of `cols` back into the input position it was read from. */
export type Col2im = (cols: Float32Array, geometry: ConvGeometry, dx: Float32Array) => void

/** The output positions [lo, hi) whose window tap at offset `tap` lands inside an input of `size`. */
export function validRange(tap: number, size: number, out: number, stride: number, pad: number): [number, number] {
  // position o reads input o·stride − pad + tap, which must lie in [0, size)
  const lo = Math.max(0, Math.ceil((pad - tap) / stride))
  const hi = Math.min(out, Math.floor((size - 1 + pad - tap) / stride) + 1)
  return [lo, Math.max(lo, hi)]
}

/**
 * The window walk im2col and col2im share: for each channel, tap, image and output row, in that order, `visit`
 * gets where the row starts in x (for output column 0; x is read every `strideW`) and in the columns, the output
 * columns [owLo, owHi) whose tap lands inside the input, and whether the row's tap lands inside at all.
 */
function walkRows(g: ConvGeometry, visit: (xAt: number, colsAt: number, owLo: number, owHi: number, inside: boolean) => void): void {
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW } = g
  const positions = outH * outW
  const columns = batch * positions
  const plane = height * width
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kernelH; i++) {
      const [ohLo, ohHi] = validRange(i, height, outH, strideH, padH)
      for (let j = 0; j < kernelW; j++) {
        const [owLo, owHi] = validRange(j, width, outW, strideW, padW)
        const row = ((c * kernelH + i) * kernelW + j) * columns
        for (let n = 0; n < batch; n++) {
          const image = (n * channels + c) * plane
          for (let oh = 0; oh < outH; oh++) {
            visit(image + (oh * strideH - padH + i) * width - padW + j, row + n * positions + oh * outW, owLo, owHi, oh >= ohLo && oh < ohHi)
          }
        }
      }
    }
  }
}

/** The plain im2col: one pass per (channel, tap), zero where the window hangs over the padding. */
export const im2colReference: Im2col = (x, g, cols) => {
  const { outW, strideW } = g
  // NOTE: plain loops rather than fill(): on deep layers a row is 1–4 values, and a call per row costs more.
  walkRows(g, (from, to, owLo, owHi, inside) => {
    if (!inside) {
      for (let ow = 0; ow < outW; ow++) cols[to + ow] = 0
      return
    }
    for (let ow = 0; ow < owLo; ow++) cols[to + ow] = 0
    for (let ow = owLo; ow < owHi; ow++) cols[to + ow] = x[from + ow * strideW]
    for (let ow = owHi; ow < outW; ow++) cols[to + ow] = 0
  })
}

/** The plain col2im: the same walk as im2col, adding instead of copying (overlapping windows sum). */
export const col2imReference: Col2im = (cols, g, dx) => {
  const { strideW } = g
  walkRows(g, (to, from, owLo, owHi, inside) => {
    if (inside) for (let ow = owLo; ow < owHi; ow++) dx[to + ow * strideW] += cols[from + ow]
  })
}

/**
 * out[b][a][p] = src[a][b][p] + add[a]: an (outer, inner, plane) array as (inner, outer, plane), e.g. the GEMM's
 * (channels, batch·positions) product as NCHW with each channel's bias added, or an NCHW gradient as the GEMM's
 * layout (`add` null: a plain copy).
 */
export type SwapAxes = (src: Float32Array, outer: number, inner: number, plane: number, out: Float32Array, add: Float32Array | null) => void

/** out[r] = the sum of row r of a rows × columns matrix (summed in float64, left to right). */
export type SumRows = (values: Float32Array, rows: number, columns: number, out: Float32Array) => void

export const swapAxesReference: SwapAxes = (src, outer, inner, plane, out, add) => {
  for (let a = 0; a < outer; a++) {
    const bias = add ? add[a] : 0
    for (let b = 0; b < inner; b++) {
      const from = (a * inner + b) * plane
      const to = (b * outer + a) * plane
      // NOTE: a loop, not subarray/set: deep layers have planes of 1–16 values, where a call per plane dominates.
      if (add) for (let p = 0; p < plane; p++) out[to + p] = src[from + p] + bias
      else for (let p = 0; p < plane; p++) out[to + p] = src[from + p]
    }
  }
}

export const sumRowsReference: SumRows = (values, rows, columns, out) => {
  for (let r = 0; r < rows; r++) {
    let total = 0
    for (let p = r * columns; p < (r + 1) * columns; p++) total += values[p]
    out[r] = total
  }
}
