import { record } from '../autograd'
import { kernels, type ConvGeometry } from '../kernels'
import { formatShape } from '../shape'
import { Tensor } from '../tensor'

/** A size given once for both spatial axes, or as [height, width]. */
export type Pair = number | readonly [number, number]

export interface ConvOptions {
  readonly stride?: Pair
  readonly padding?: Pair
}

export interface Pool2dOptions {
  readonly kernelSize: Pair
  /** Defaults to the kernel size (non-overlapping windows), as PyTorch. */
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

/** (N, C, P) ↔ (C, N·P): the batch-major NCHW layout and the channel-major layout the GEMM works in. */
function swapBatchAndChannels(src: Float32Array, outer: number, inner: number, plane: number, out: Float32Array): Float32Array {
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const from = (a * inner + b) * plane
      const to = (b * outer + a) * plane
      // NOTE: a loop, not subarray/set: deep layers have planes of 1–16 values, where a call per plane dominates.
      for (let p = 0; p < plane; p++) out[to + p] = src[from + p]
    }
  }
  return out
}

/**
 * Buffers for a conv's intermediates that never outlive one call (the GEMM's product, the
 * reordered gradient, the columns' gradient), reused across calls: ops run one at a time, and
 * allocating megabytes of zeroed memory per call showed up as page faults and garbage collection.
 */
const scratch = { product: new Float32Array(0), gradient: new Float32Array(0) }

function scratchBuffer(slot: keyof typeof scratch, size: number): Float32Array {
  if (scratch[slot].length < size) scratch[slot] = new Float32Array(size)
  return scratch[slot].subarray(0, size)
}

function checkConvInputs(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (weight.rank !== 4 || x.rank !== 4 || weight.shape[1] !== x.shape[1]) {
    throw new Error(`conv2d: input ${formatShape(x.shape)} does not fit weight ${formatShape(weight.shape)} (expected input (n, ${weight.shape[1] ?? '?'}, h, w) and weight (out, in, kh, kw))`)
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(`conv2d: bias ${formatShape(bias.shape)} does not fit weight ${formatShape(weight.shape)} (expected (${weight.shape[0]},))`)
  }
}

// y = W ⋆ x + b as one GEMM: Y(oc, n·p) = W(oc, c·kh·kw) · cols(c·kh·kw, n·p), cols = im2col(x)
// d: dW = dY · colsᵀ,  db = Σ_{n,p} dY,  dx = col2im(Wᵀ · dY)
/** 2-D cross-correlation over NCHW input (ONNX `Conv`, groups 1, dilation 1), as `F.conv2d`. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  checkConvInputs(x, weight, bias)
  const [outC, , kernelH, kernelW] = weight.shape
  const g = convGeometry('conv2d', x.shape, [kernelH, kernelW], options.stride ?? 1, options.padding ?? 0)
  const depth = g.channels * kernelH * kernelW
  const positions = g.outH * g.outW
  const columns = g.batch * positions
  const cols = new Float32Array(depth * columns)
  kernels.im2col(x.data, g, cols)
  const product = scratchBuffer('product', outC * columns)
  kernels.gemm({ a: weight.data, b: cols, c: product, m: outC, n: columns, k: depth, transA: false, transB: false, accumulate: false })
  const out = swapBatchAndChannels(product, outC, g.batch, positions, new Float32Array(product.length))
  if (bias) {
    for (let n = 0; n < g.batch; n++) {
      for (let c = 0; c < outC; c++) {
        const b = bias.data[c]
        const from = (n * outC + c) * positions
        for (let p = from; p < from + positions; p++) out[p] += b
      }
    }
  }
  const inputs = bias ? [x, weight, bias] : [x, weight]
  return record(new Tensor(out, [g.batch, outC, g.outH, g.outW]), 'Conv', inputs, (grad) => {
    const dy = swapBatchAndChannels(grad.data, g.batch, outC, positions, scratchBuffer('gradient', grad.size))
    let dWeight: Tensor | null = null
    if (weight.requiresGrad) {
      const dw = new Float32Array(weight.size)
      kernels.gemm({ a: dy, b: cols, c: dw, m: outC, n: depth, k: columns, transA: false, transB: true, accumulate: false })
      dWeight = new Tensor(dw, weight.shape)
    }
    let dBias: Tensor | null = null
    if (bias?.requiresGrad) {
      const db = new Float32Array(outC)
      for (let c = 0; c < outC; c++) {
        let total = 0
        for (let p = c * columns; p < (c + 1) * columns; p++) total += dy[p]
        db[c] = total
      }
      dBias = new Tensor(db, bias.shape)
    }
    let dx: Tensor | null = null
    if (x.requiresGrad) {
      const dcols = scratchBuffer('product', depth * columns)
      kernels.gemm({ a: weight.data, b: dy, c: dcols, m: depth, n: columns, k: outC, transA: true, transB: false, accumulate: false })
      const dxData = new Float32Array(x.size)
      kernels.col2im(dcols, g, dxData)
      dx = new Tensor(dxData, x.shape)
    }
    return [dx, dWeight, dBias]
  })
}

function poolGeometry(op: string, x: Tensor, options: Pool2dOptions): ConvGeometry {
  const g = convGeometry(op, x.shape, options.kernelSize, options.stride ?? options.kernelSize, options.padding ?? 0)
  if (2 * g.padH > g.kernelH || 2 * g.padW > g.kernelW) {
    throw new Error(`${op}: padding ${g.padH}×${g.padW} must be at most half the ${g.kernelH}×${g.kernelW} window`)
  }
  return g
}

/** Each window's first maximum (NaN wins, as PyTorch) and its flat input position; padding never wins. */
function maxPoolValues(x: Float32Array, g: ConvGeometry): { values: Float32Array; positions: Int32Array } {
  const { height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW } = g
  const planes = g.batch * g.channels
  const values = new Float32Array(planes * outH * outW)
  const positions = new Int32Array(values.length)
  let o = 0
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * height * width
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padH
      const [hLo, hHi] = [Math.max(0, h0), Math.min(height, h0 + kernelH)]
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = ow * strideW - padW
        const [wLo, wHi] = [Math.max(0, w0), Math.min(width, w0 + kernelW)]
        let best = -Infinity
        let at = base + hLo * width + wLo
        for (let ih = hLo; ih < hHi; ih++) {
          for (let i = base + ih * width + wLo, end = base + ih * width + wHi; i < end; i++) {
            const v = x[i]
            if (v > best || v !== v) {
              best = v
              at = i
              if (v !== v) break
            }
          }
          if (best !== best) break
        }
        values[o] = best
        positions[o] = at
      }
    }
  }
  return { values, positions }
}

// d maxpool(x) = dy routed to each window's maximum (summed where overlapping windows share one)
/** Max over sliding windows of each channel (ONNX `MaxPool`), as `F.max_pool2d`; padding counts as −∞. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGeometry('maxPool2d', x, options)
  const { values, positions } = maxPoolValues(x.data, g)
  const out = new Tensor(values, [g.batch, g.channels, g.outH, g.outW])
  return record(out, 'MaxPool', [x], (grad) => {
    const dx = new Float32Array(x.size)
    for (let o = 0; o < positions.length; o++) dx[positions[o]] += grad.data[o]
    return [new Tensor(dx, x.shape)]
  })
}

/**
 * The average pool's one loop, in both directions: forward adds each window's inputs into its output
 * (`fromInput`), backward adds each output's gradient into its window's inputs. Padding is skipped.
 */
function walkWindows(g: ConvGeometry, input: Float32Array, output: Float32Array | Float64Array, fromInput: boolean, scale: number): void {
  const { height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW } = g
  let o = 0
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const base = plane * height * width
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padH
      const [hLo, hHi] = [Math.max(0, h0), Math.min(height, h0 + kernelH)]
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = ow * strideW - padW
        const [wLo, wHi] = [Math.max(0, w0), Math.min(width, w0 + kernelW)]
        const share = output[o] * scale
        for (let ih = hLo; ih < hHi; ih++) {
          const row = base + ih * width
          if (fromInput) for (let i = row + wLo; i < row + wHi; i++) output[o] += input[i] * scale
          else for (let i = row + wLo; i < row + wHi; i++) input[i] += share
        }
      }
    }
  }
}

// d avgpool(x) = dy / (kh·kw) spread over each window (padding counts in the divisor, as PyTorch's default)
/** Mean over sliding windows of each channel (ONNX `AveragePool`), as `F.avg_pool2d`. */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGeometry('avgPool2d', x, options)
  const scale = 1 / (g.kernelH * g.kernelW)
  const sums = new Float64Array(g.batch * g.channels * g.outH * g.outW)
  walkWindows(g, x.data, sums, true, scale)
  const out = new Tensor(Float32Array.from(sums), [g.batch, g.channels, g.outH, g.outW])
  return record(out, 'AveragePool', [x], (grad) => {
    const dx = new Float32Array(x.size)
    walkWindows(g, dx, grad.data, false, scale)
    return [new Tensor(dx, x.shape)]
  })
}

// d mean_{h,w}(x) = dy / (h·w) at every position of the plane
/** The mean of each channel's plane, (N, C, H, W) → (N, C, 1, 1) (ONNX `GlobalAveragePool`, `AdaptiveAvgPool2d(1)`). */
export function globalAvgPool2d(x: Tensor): Tensor {
  if (x.rank !== 4) throw new Error(`globalAvgPool2d takes an NCHW input, got ${formatShape(x.shape)}`)
  const [batch, channels, height, width] = x.shape
  const plane = height * width
  const src = x.data
  const values = new Float32Array(batch * channels)
  for (let p = 0; p < values.length; p++) {
    let total = 0
    for (let i = p * plane; i < (p + 1) * plane; i++) total += src[i]
    values[p] = total / plane
  }
  return record(new Tensor(values, [batch, channels, 1, 1]), 'GlobalAveragePool', [x], (grad) => {
    const dx = new Float32Array(x.size)
    for (let p = 0; p < values.length; p++) dx.fill(grad.data[p] / plane, p * plane, (p + 1) * plane)
    return [new Tensor(dx, x.shape)]
  })
}
