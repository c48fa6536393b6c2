// AssemblyScript. Copies blocks of op(A) and op(B) into the panel layout the micro-kernel streams.
import { MR, NR } from './microkernel.as'

const ZERO = f32x4.splat(0)

// A matrix is passed as (base, rowStride, colStride): element (r, c) of op(M) sits at base + 4·(r·rowStride + c·colStride).

@inline function at(base: usize, rowStride: i32, colStride: i32, r: i32, c: i32): usize {
  return base + ((<usize>r * <usize>rowStride + <usize>c * <usize>colStride) << 2)
}

/** Writes r0..r3 transposed: the j-th output vector holds lane j of each input, stored `step` bytes apart. */
@inline function storeTransposed(dst: usize, step: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5)
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7)
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5)
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7)
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5))
  v128.store(dst + step, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7))
  v128.store(dst + 2 * step, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5))
  v128.store(dst + 3 * step, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7))
}

/**
 * Packs `width` (≤ 4) lines of M starting at line `line`, over `depth` steps from `from`: 4 floats per step
 * with the lines side by side (zero beyond `width`), steps `outStep` bytes apart. A line is a row of op(M)
 * when `alongRows`, else a column.
 */
export function packLines4(
  base: usize, rowStride: i32, colStride: i32,
  line: i32, width: i32, from: i32, depth: i32, alongRows: bool, dst: usize, outStep: usize,
): void {
  const lineStride = alongRows ? rowStride : colStride
  const stepStride = alongRows ? colStride : rowStride
  let p = 0
  if (width <= 0) {
    // A panel's padding.
    for (; p < depth; p++) v128.store(dst + <usize>p * outStep, ZERO)
  } else if (stepStride == 1) {
    // Each line is contiguous along the steps: transpose 4×4 blocks (lines past `width` read as zeros).
    const lineBytes = <usize>lineStride << 2
    for (; p + 4 <= depth; p += 4) {
      const src = base + ((<usize>line * <usize>lineStride + <usize>(from + p)) << 2)
      const r1 = width > 1 ? v128.load(src + lineBytes) : ZERO
      const r2 = width > 2 ? v128.load(src + 2 * lineBytes) : ZERO
      const r3 = width > 3 ? v128.load(src + 3 * lineBytes) : ZERO
      storeTransposed(dst + <usize>p * outStep, outStep, v128.load(src), r1, r2, r3)
    }
  } else if (width == 4 && lineStride == 1) {
    // The 4 lines sit side by side already: copy a vector per step.
    for (; p < depth; p++) {
      const src = base + ((<usize>(from + p) * <usize>stepStride + <usize>line) << 2)
      v128.store(dst + <usize>p * outStep, v128.load(src))
    }
  }
  for (; p < depth; p++) {
    const out = dst + <usize>p * outStep
    for (let l = 0; l < 4; l++) {
      const r = alongRows ? line + l : from + p
      const c = alongRows ? from + p : line + l
      store<f32>(out + (<usize>l << 2), l < width ? load<f32>(at(base, rowStride, colStride, r, c)) : 0)
    }
  }
}

/**
 * Packs rows [i0, i0+mc) × steps [p0, p0+kc) of op(A) as ⌈mc/4⌉ panels of kc×4 floats, so the micro-kernel
 * reads Ã contiguously; the last panel is zero-padded.
 */
export function packA(base: usize, rowStride: i32, colStride: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    packLines4(base, rowStride, colStride, i0 + i, min(MR, mc - i), p0, kc, true, dst + (<usize>(i * kc) << 2), MR * 4)
  }
}

/**
 * Packs steps [p0, p0+kc) × columns [j0, j0+nc) of op(B) as ⌈nc/8⌉ panels of kc×8 floats, so the
 * micro-kernel reads B̃ contiguously; the last panel is zero-padded.
 */
export function packB(base: usize, rowStride: i32, colStride: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const panel = dst + (<usize>(j * kc) << 2)
    const width = min(NR, nc - j)
    if (width == NR && colStride == 1) {
      // Rows of op(B) are contiguous: copy 8 floats per step.
      for (let p = 0; p < kc; p++) {
        const src = at(base, rowStride, colStride, p0 + p, j0 + j)
        v128.store(panel + (<usize>p << 5), v128.load(src))
        v128.store(panel + (<usize>p << 5), v128.load(src, 16), 16)
      }
      continue
    }
    // Two groups of 4 columns, interleaved step by step.
    packLines4(base, rowStride, colStride, j0 + j, min(4, width), p0, kc, false, panel, NR * 4)
    packLines4(base, rowStride, colStride, j0 + j + 4, max(0, width - 4), p0, kc, false, panel + 16, NR * 4)
  }
}
