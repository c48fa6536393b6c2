import { isGradEnabled, record } from '../autograd'
import { ScratchSlot, giveBackArray, kernels, lendArray, type ConvGeometry } from '../kernels'
import { validRange } from '../kernels/im2col'
import { formatShape } from '../shape'
import { Tensor } from '../tensor'

/** A size given once for both spatial axes, or as [height, width]. */
export type Pair = number | readonly [number, number]

export interface ConvOptions {
  readonly stride?: Pair
  readonly padding?: Pair
}

function pair(value: Pair, what: string, min: number): [number, number] {
  const [h, w] = typeof value === 'number' ? [value, value] : value
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < min || w < min) {
    throw new Error(`${what} must be whole numbers ≥ ${min}, got ${JSON.stringify(value)}`)
  }
  return [h, w]
}

/** The window walk of a conv or pool over an NCHW input, with every size checked and named. */
export function convGeometry(op: string, input: readonly number[], kernel: Pair, stride: Pair, padding: Pair): ConvGeometry {
  if (input.length !== 4) throw new Error(`${op} takes an NCHW input (batch, channels, height, width), got ${formatShape(input)}`)
  const [batch, channels, height, width] = input
  const [kernelH, kernelW] = pair(kernel, `${op} kernel size`, 1)
  const [strideH, strideW] = pair(stride, `${op} stride`, 1)
  const [padH, padW] = pair(padding, `${op} padding`, 0)
  const outH = Math.floor((height + 2 * padH - kernelH) / strideH) + 1
  const outW = Math.floor((width + 2 * padW - kernelW) / strideW) + 1
  if (outH < 1 || outW < 1) {
    throw new Error(`${op}: a ${kernelH}×${kernelW} window does not fit the ${height}×${width} input padded by ${padH}×${padW}`)
  }
  return { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW }
}

function checkConvInputs(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (weight.rank !== 4 || x.rank !== 4 || weight.shape[1] !== x.shape[1]) {
    throw new Error(`conv2d: input ${formatShape(x.shape)} does not fit weight ${formatShape(weight.shape)} (expected input (n, ${weight.shape[1] ?? '?'}, h, w) and weight (out, in, kh, kw))`)
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(`conv2d: bias ${formatShape(bias.shape)} does not fit weight ${formatShape(weight.shape)} (expected (${weight.shape[0]},))`)
  }
}

/**
 * The part of the kernel that ever lands on the input, as a smaller kernel with the padding moved
 * to match: taps that only read padding add nothing. On ResNet's 1×1 and 2×2 stages a 3×3 kernel
 * keeps 1 or 4 of its 9 taps, which spares the GEMM most of its work there.
 */
function activeWindow(g: ConvGeometry): { geometry: ConvGeometry; rowLo: number; colLo: number } {
  const span = (kernel: number, size: number, out: number, stride: number, pad: number): [number, number] => {
    const used = (tap: number): boolean => {
      const [lo, hi] = validRange(tap, size, out, stride, pad)
      return lo < hi
    }
    let [lo, hi] = [0, kernel]
    while (lo < kernel - 1 && !used(lo)) lo++
    while (hi > lo + 1 && !used(hi - 1)) hi--
    return [lo, hi]
  }
  const [rowLo, rowHi] = span(g.kernelH, g.height, g.outH, g.strideH, g.padH)
  const [colLo, colHi] = span(g.kernelW, g.width, g.outW, g.strideW, g.padW)
  const geometry = { ...g, kernelH: rowHi - rowLo, kernelW: colHi - colLo, padH: g.padH - rowLo, padW: g.padW - colLo }
  return { geometry, rowLo, colLo }
}

/**
 * Copy between a full (outC, inC, kh, kw) weight and its (outC, inC, kh′, kw′) active window at
 * (rowLo, colLo): `toWindow` crops, else the window is written into a zeroed full-size array.
 */
function moveWindow(full: Float32Array, window: Float32Array, fullShape: readonly number[], g: ConvGeometry, rowLo: number, colLo: number, toWindow: boolean): void {
  const [, , kernelH, kernelW] = fullShape
  const [planes, fullPlane, taps] = [fullShape[0] * fullShape[1], kernelH * kernelW, g.kernelH * g.kernelW]
  // NOTE: one flat loop per tap of the window: ResNet's deepest stage keeps 1 tap of 3×3 kernels on 512×512
  // planes, where loops nested per plane cost more than the copying.
  for (let t = 0; t < taps; t++) {
    const offset = (rowLo + Math.floor(t / g.kernelW)) * kernelW + colLo + (t % g.kernelW)
    if (toWindow) for (let p = 0; p < planes; p++) window[p * taps + t] = full[p * fullPlane + offset]
    else for (let p = 0; p < planes; p++) full[p * fullPlane + offset] = window[p * taps + t]
  }
}

/** The GEMM's register tiles are this many columns of C wide; a C whose width is not a multiple wastes lanes. */
const TILE_WIDTH = 8

/** How much wider than `n` the tiles covering n columns are (1 = no waste; 9 columns take 16, 1.78). */
const raggedness = (n: number): number => (Math.ceil(n / TILE_WIDTH) * TILE_WIDTH) / n

/** A convolution run forward, with what its backward pass needs kept. */
export interface ConvPass {
  /** The output (N, outC, outH, outW) as the caller's `allocate` gave it, filled. */
  readonly out: Float32Array
  readonly shape: readonly number[]
  /** Computes the output again into `into` (for a caller that gave `out` back before the backward pass). */
  forwardInto(into: Float32Array): void
  /** The gradients of x, the weight and the bias (null where none is wanted) from the output's gradient `dy`. */
  backward(dy: Float32Array): [dx: Tensor | null, dWeight: Tensor | null, dBias: Tensor | null]
}

/** The conv's scratch arrays, shared by every conv call (none outlives one), each held by one user at a time. */
const SCRATCH = {
  /** im2col(x) in the forward pass; Wᵀ·dY before col2im in the backward pass, after the weight gradient read im2col(x). */
  columns: new ScratchSlot('conv columns'),
  /** W·cols, (outC, N·positions), before its axes are swapped into the output. */
  product: new ScratchSlot('conv product'),
  /** dY as (outC, N·positions). */
  outputGradient: new ScratchSlot('conv gradient'),
  /** dWᵀ, when it fills the GEMM's tiles better than dW. */
  weightGradientT: new ScratchSlot('conv weight gradient'),
  /** col2im's sum, before it is copied out of the kernels' memory. */
  inputGradient: new ScratchSlot('conv input gradient'),
}

// y = W ⋆ x + b as one GEMM: Y(oc, n·p) = W(oc, c·kh·kw) · cols(c·kh·kw, n·p), cols = im2col(x)
// d: dW = dY · colsᵀ,  db = Σ_{n,p} dY,  dx = col2im(Wᵀ · dY)
// NOTE: the columns, the product and the reordered gradient live in the kernels' memory, where the GEMM reads and
// writes them in place: scratch slots reused by every conv, and the columns lent from the forward pass to the
// backward's weight gradient (given back there, so the next step reuses them: no allocation per call).
/** The forward pass of `conv2d` into an output array from `allocate`, and its backward pass for later. */
export function convolve(x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvOptions, allocate: (length: number) => Float32Array): ConvPass {
  checkConvInputs(x, weight, bias)
  const [outC, , kernelH, kernelW] = weight.shape
  const full = convGeometry('conv2d', x.shape, [kernelH, kernelW], options.stride ?? 1, options.padding ?? 0)
  const { geometry: g, rowLo, colLo } = activeWindow(full)
  const cropped = g.kernelH !== kernelH || g.kernelW !== kernelW
  const depth = g.channels * g.kernelH * g.kernelW
  const w = cropped ? new Float32Array(outC * depth) : weight.data
  if (cropped) moveWindow(weight.data, w, weight.shape, g, rowLo, colLo, true)
  const positions = g.outH * g.outW
  const columns = g.batch * positions
  const out = allocate(outC * columns)
  // The columns are kept for the weight gradient when there will be one (else a graph-less call would hold them).
  let kept: Float32Array | null = weight.requiresGrad && isGradEnabled() ? lendArray(depth * columns, out) : null
  /** `fn` on the columns of x: those kept, or unfolded again (a second backward, or a weight that asks for a gradient late). */
  const withColumns = <T>(fn: (cols: Float32Array) => T): T => {
    if (kept) return fn(kept)
    return SCRATCH.columns.use(depth * columns, (cols) => {
      kernels.im2col(x.data, g, cols)
      return fn(cols)
    })
  }
  const forwardInto = (into: Float32Array, cols: Float32Array): void => SCRATCH.product.use(outC * columns, (product) => {
    kernels.gemm({ a: w, b: cols, c: product, m: outC, n: columns, k: depth, transA: false, transB: false, accumulate: false })
    kernels.swapAxes(product, outC, g.batch, positions, into, bias?.data ?? null)
  })
  if (kept) kernels.im2col(x.data, g, kept)
  withColumns((cols) => forwardInto(out, cols))
  const weightGradient = (dy: Float32Array): Tensor => {
    const dw = new Float32Array(outC * depth)
    withColumns((cols) => {
      if (raggedness(depth) > raggedness(outC)) {
        // dWᵀ = cols · dYᵀ, then transposed: the same sums, with the tiles' 8 columns along outC, which fills them
        SCRATCH.weightGradientT.use(depth * outC, (dwT) => {
          kernels.gemm({ a: cols, b: dy, c: dwT, m: depth, n: outC, k: columns, transA: false, transB: true, accumulate: false })
          kernels.swapAxes(dwT, depth, outC, 1, dw, null)
        })
      } else {
        kernels.gemm({ a: dy, b: cols, c: dw, m: outC, n: depth, k: columns, transA: false, transB: true, accumulate: false })
      }
    })
    const dFull = cropped ? new Float32Array(weight.size) : dw
    if (cropped) moveWindow(dFull, dw, weight.shape, g, rowLo, colLo, false)
    return new Tensor(dFull, weight.shape)
  }
  const inputGradient = (dy: Float32Array): Tensor => SCRATCH.columns.use(depth * columns, (dcols) => {
    kernels.gemm({ a: w, b: dy, c: dcols, m: depth, n: columns, k: outC, transA: true, transB: false, accumulate: false })
    return SCRATCH.inputGradient.use(x.size, (dxData) => {
      kernels.col2im(dcols, g, dxData.fill(0))
      // NOTE: a copy by `set`, not `slice`: V8 copies out of a shared buffer at half speed through `slice`.
      const dx = new Tensor(new Float32Array(x.size), x.shape)
      dx.data.set(dxData)
      return dx
    })
  })
  const backward = (grad: Float32Array): [Tensor | null, Tensor | null, Tensor | null] => SCRATCH.outputGradient.use(grad.length, (dy) => {
    kernels.swapAxes(grad, g.batch, outC, positions, dy, null)
    // The weight gradient first: unfolded again, the columns take the slot the input gradient then reuses.
    const dWeight = weight.requiresGrad ? weightGradient(dy) : null
    let dBias: Tensor | null = null
    if (bias?.requiresGrad) {
      dBias = new Tensor(new Float32Array(outC), bias.shape)
      kernels.sumRows(dy, outC, columns, dBias.data)
    }
    const dx = x.requiresGrad ? inputGradient(dy) : null
    if (kept) giveBackArray(kept)
    kept = null
    return [dx, dWeight, dBias]
  })
  return { out, shape: [g.batch, outC, g.outH, g.outW], forwardInto: (into) => withColumns((cols) => forwardInto(into, cols)), backward }
}

/** 2-D cross-correlation over NCHW input (ONNX `Conv`, groups 1, dilation 1), as `F.conv2d`. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  const pass = convolve(x, weight, bias, options, (length) => new Float32Array(length))
  const inputs = bias ? [x, weight, bias] : [x, weight]
  return record(new Tensor(pass.out, pass.shape), 'Conv', inputs, (grad) => pass.backward(grad.data))
}
