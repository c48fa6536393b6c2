import { record } from '../autograd'
import type { ConvGeometry } from '../kernels'
import { formatShape } from '../shape'
import { Tensor } from '../tensor'
import { convGeometry, type Pair } from './conv'

export interface Pool2dOptions {
  readonly kernelSize: Pair
  /** Defaults to the kernel size (non-overlapping windows), as PyTorch. */
  readonly stride?: Pair
  readonly padding?: Pair
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
