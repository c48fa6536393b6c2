// AssemblyScript. A convolution's memory passes around its GEMM: unfolding the input's windows into columns
// (im2col), folding columns back (col2im), swapping the two leading axes of a 3-D array (NCHW ⇄ the GEMM's
// channel-major layout, with the bias added on the way) and row sums. Each walks its arrays in the order
// conv.ts's reference does and does the same float operations in that order, so the bits are the reference's.
import { CONV_COL2IM as COL2IM, CONV_SWAP_AXES as SWAP_AXES } from './generated/interface.as'
import { arg, chunkStart, claimChunk, passOf } from './pass-job.as'

/** The first output position whose window tap `tap` lands inside the input, at most `out` (none does then). */
@inline function firstInside(tap: i32, out: i32, stride: i32, pad: i32): i32 {
  const before = pad - tap
  return before <= 0 ? 0 : min(out, (before + stride - 1) / stride)
}

/** One past the last output position whose tap lands inside an input of `size`, at least `lo`. */
@inline function endInside(tap: i32, size: i32, out: i32, stride: i32, pad: i32, lo: i32): i32 {
  const last = size - 1 + pad - tap
  return last < 0 ? lo : max(lo, min(out, last / stride + 1))
}

/** Floats o…o+3 of a row read with `stride` 1 or 2 from `from` (stride 2: floats 2o−1…2o+6, the odd lanes kept). */
@inline function fourAt(from: usize, o: i32, stride: i32): v128 {
  if (stride == 1) return v128.load(from + (<usize>o << 2))
  // NOTE: read from one float before 2o, so that nothing past the row's last value 2(count − 1) is read; the float
  // before it is the row's left padding or the float before the plane, which the kernels' memory always holds.
  const at = from + (<usize>o << 3) - 4
  return v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 1, 3, 5, 7)
}

/**
 * `count` floats at `to` from every `stride`-th float at `from`; four at a time where the stride is 1 or 2, the
 * last four overlapping the ones before (rewriting a few with the same values) when count is not a multiple of 4.
 */
@inline function gather(to: usize, from: usize, count: i32, stride: i32): void {
  let o = 0
  if ((stride == 1 || stride == 2) && count >= 4) {
    for (; o + 4 <= count; o += 4) v128.store(to + (<usize>o << 2), fourAt(from, o, stride))
    if (o < count) v128.store(to + (<usize>(count - 4) << 2), fourAt(from, count - 4, stride))
    return
  }
  for (; o < count; o++) store<f32>(to + (<usize>o << 2), load<f32>(from + (<usize>(o * stride) << 2)))
}

const ZEROS = f32x4.splat(0)

/**
 * Zeros `count` floats at `to`, four at a time: the padding rows of a small plane are a few floats, where
 * `memory.fill` (a call out of the module in V8) costs more than the stores.
 */
@inline function zero(to: usize, count: i32): void {
  let o = 0
  for (; o + 4 <= count; o += 4) v128.store(to + (<usize>o << 2), ZEROS)
  for (; o < count; o++) store<f32>(to + (<usize>o << 2), 0)
}

/** One image's plane of one (c, i, j) row of columns, unfolded from the plane at `image` into `target`. */
@inline function unfoldPlane(
  image: usize, target: usize, width: i32, outH: i32, outW: i32, i: i32, j: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  ohLo: i32, ohHi: i32, owLo: i32, owHi: i32,
): void {
  zero(target, ohLo * outW)
  for (let oh = ohLo; oh < ohHi; oh++) {
    const to = target + (<usize>(oh * outW) << 2)
    // NOTE: `from` may point before the plane (left padding); only offsets ≥ owLo are read.
    const from = image + (<usize>((oh * strideH - padH + i) * width - padW + j) << 2)
    for (let ow = 0; ow < owLo; ow++) store<f32>(to + (<usize>ow << 2), 0)
    gather(to + (<usize>owLo << 2), from + (<usize>(owLo * strideW) << 2), owHi - owLo, strideW)
    for (let ow = owHi; ow < outW; ow++) store<f32>(to + (<usize>ow << 2), 0)
  }
  zero(target + (<usize>(ohHi * outW) << 2), (outH - ohHi) * outW)
}

/** The adjoint of `unfoldPlane`: adds the columns at `source` into the plane at `image`, tap by tap. */
@inline function foldPlane(
  image: usize, source: usize, width: i32, outW: i32, i: i32, j: i32, strideH: i32, strideW: i32, padH: i32, padW: i32,
  ohLo: i32, ohHi: i32, owLo: i32, owHi: i32,
): void {
  const count = owHi - owLo
  for (let oh = ohLo; oh < ohHi; oh++) {
    const to = image + (<usize>((oh * strideH - padH + i) * width - padW + j + owLo * strideW) << 2)
    const from = source + (<usize>(oh * outW + owLo) << 2)
    let o = 0
    if (strideW == 1) {
      for (; o + 4 <= count; o += 4) {
        const at = <usize>o << 2
        v128.store(to + at, f32x4.add(v128.load(to + at), v128.load(from + at)))
      }
    } else if (strideW == 2) {
      // Values o…o+3 go to floats 2o, 2o+2, 2o+4, 2o+6: each pair of lanes gets a value added to both, and the
      // odd lane is put back as it was. Floats 2o…2o+7 must stay inside the row: o + 5 ≤ count.
      for (; o + 5 <= count; o += 4) {
        const values = v128.load(from + (<usize>o << 2))
        const at = to + (<usize>o << 3)
        const low = v128.load(at), high = v128.load(at, 16)
        const lowSums = f32x4.add(low, v128.shuffle<f32>(values, values, 0, 0, 1, 1))
        const highSums = f32x4.add(high, v128.shuffle<f32>(values, values, 2, 2, 3, 3))
        v128.store(at, v128.shuffle<f32>(lowSums, low, 0, 5, 2, 7))
        v128.store(at, v128.shuffle<f32>(highSums, high, 0, 5, 2, 7), 16)
      }
    }
    for (; o < count; o++) {
      const at = to + (<usize>(o * strideW) << 2)
      store<f32>(at, load<f32>(at) + load<f32>(from + (<usize>o << 2)))
    }
  }
}

/** im2col (`fold` false) or col2im (true) for channels [c0, c1), in the reference's order: (c, i, j), n, oh, ow. */
function walk(
  x: usize, cols: usize, batch: i32, channels: i32, height: i32, width: i32, kernelH: i32, kernelW: i32,
  strideH: i32, strideW: i32, padH: i32, padW: i32, outH: i32, outW: i32, c0: i32, c1: i32, fold: bool,
): void {
  const positions = outH * outW
  const columns = <usize>batch * <usize>positions
  const planeBytes = <usize>(height * width) << 2
  for (let c = c0; c < c1; c++) {
    for (let i = 0; i < kernelH; i++) {
      const ohLo = firstInside(i, outH, strideH, padH)
      const ohHi = endInside(i, height, outH, strideH, padH, ohLo)
      for (let j = 0; j < kernelW; j++) {
        const owLo = firstInside(j, outW, strideW, padW)
        const owHi = endInside(j, width, outW, strideW, padW, owLo)
        const row = cols + ((<usize>((c * kernelH + i) * kernelW + j) * columns) << 2)
        for (let n = 0; n < batch; n++) {
          const image = x + <usize>(n * channels + c) * planeBytes
          const plane = row + (<usize>(n * positions) << 2)
          if (fold) foldPlane(image, plane, width, outW, i, j, strideH, strideW, padH, padW, ohLo, ohHi, owLo, owHi)
          else unfoldPlane(image, plane, width, outH, outW, i, j, strideH, strideW, padH, padW, ohLo, ohHi, owLo, owHi)
        }
      }
    }
  }
}

/**
 * Unfolds channels [c0, c1) of the NCHW batch at `x` into rows (c, i, j) of the (C·kh·kw) × (N·outH·outW)
 * matrix at `cols` (see `Im2col` in ../conv.ts); positions whose window tap reads padding get 0.
 */
export function im2col(
  x: usize, cols: usize, batch: i32, channels: i32, height: i32, width: i32, kernelH: i32, kernelW: i32,
  strideH: i32, strideW: i32, padH: i32, padW: i32, outH: i32, outW: i32, c0: i32, c1: i32,
): void {
  walk(x, cols, batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW, c0, c1, false)
}

/**
 * The adjoint of `im2col` for channels [c0, c1): adds each entry of `cols` into the input position at `dx` it
 * was read from, tap after tap as the reference does (a channel's sums touch only its own planes).
 */
export function col2im(
  cols: usize, dx: usize, batch: i32, channels: i32, height: i32, width: i32, kernelH: i32, kernelW: i32,
  strideH: i32, strideW: i32, padH: i32, padW: i32, outH: i32, outW: i32, c0: i32, c1: i32,
): void {
  walk(dx, cols, batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW, c0, c1, true)
}

/**
 * out[b][a][p] = src[a][b][p] (+ add[a] where `add` is not 0) for a in [a0, a1): an (outer, inner, plane) array
 * at `src` as (inner, outer, plane) at `out`.
 */
export function swapAxes(src: usize, outer: i32, inner: i32, plane: i32, out: usize, add: usize, a0: i32, a1: i32): void {
  const planeBytes = <usize>plane << 2
  for (let a = a0; a < a1; a++) {
    const bias = add != 0 ? load<f32>(add + (<usize>a << 2)) : <f32>0
    const biases = f32x4.splat(bias)
    for (let b = 0; b < inner; b++) {
      const from = src + <usize>(a * inner + b) * planeBytes
      const to = out + <usize>(b * outer + a) * planeBytes
      let p = 0
      if (add != 0) {
        for (; p + 4 <= plane; p += 4) v128.store(to + (<usize>p << 2), f32x4.add(v128.load(from + (<usize>p << 2)), biases))
        for (; p < plane; p++) store<f32>(to + (<usize>p << 2), load<f32>(from + (<usize>p << 2)) + bias)
      } else {
        for (; p + 4 <= plane; p += 4) v128.store(to + (<usize>p << 2), v128.load(from + (<usize>p << 2)))
        for (; p < plane; p++) store<f32>(to + (<usize>p << 2), load<f32>(from + (<usize>p << 2)))
      }
    }
  }
}

/** out[r] = Σ over row r of the rows×columns matrix at `values`, summed in float64 left to right. */
export function sumRows(values: usize, rows: i32, columns: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = values + ((<usize>r * <usize>columns) << 2)
    let total: f64 = 0
    for (let p = 0; p < columns; p++) total += <f64>load<f32>(row + (<usize>p << 2))
    store<f32>(out + (<usize>r << 2), <f32>total)
  }
}

/**
 * Runs chunks of the pass at `job` (see pass-job.as.ts) until none is left, each over channels (for swapAxes, rows
 * of the first axis). Each value is written by one chunk, by the same operations in the same order as on one
 * thread, so any number of threads gives the same bits. `work` is unused (a GEMM's workspace).
 */
export function convChunks(job: usize, work: usize): void {
  const pass = passOf(job)
  const total = pass == SWAP_AXES ? arg(job, 1) : arg(job, 3)
  for (let i = claimChunk(job); i >= 0; i = claimChunk(job)) {
    const lo = chunkStart(job, i, total), hi = chunkStart(job, i + 1, total)
    if (pass == SWAP_AXES) {
      swapAxes(<usize>arg(job, 0), arg(job, 1), arg(job, 2), arg(job, 3), <usize>arg(job, 4), <usize>arg(job, 5), lo, hi)
    } else {
      walk(
        <usize>arg(job, pass == COL2IM ? 1 : 0), <usize>arg(job, pass == COL2IM ? 0 : 1), arg(job, 2), arg(job, 3), arg(job, 4),
        arg(job, 5), arg(job, 6), arg(job, 7), arg(job, 8), arg(job, 9), arg(job, 10), arg(job, 11), arg(job, 12), arg(job, 13),
        lo, hi, pass == COL2IM,
      )
    }
  }
}
