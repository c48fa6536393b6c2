// AssemblyScript. Products where one operand is mostly zeros, as images of digits are (about 80% of MNIST's
// pixels are 0). Each nonzero term is added in exactly the order the blocked GEMM adds it — block by block of
// `kc` steps, each block summed from zero and then added to C — and the zero terms are skipped: they only add
// ±0, which changes no sum. So C equals the dense result bit for bit whenever the other operand is finite
// (a zero times an infinity would have given NaN there).
import { packLines4 } from './pack.as'

/** Columns (or rows) of C one pass computes: 8 f32x4 registers. */
const NB: i32 = 32
/** Columns of C one pass of `timesSparseRows` accumulates (NB floats each) in the workspace. */
const NQ: i32 = 8192
/** Below this fraction of nonzeros (in sixteenths) the sparse paths beat the packed kernel. */
const DENSITY_SIXTEENTHS: i32 = 6

const ZERO = f32x4.splat(0)

@inline function nonzeroMask(at: usize): i32 {
  return i32x4.bitmask(f32x4.ne(v128.load(at), ZERO))
}

/**
 * Writes the positions p in [from, to) where row[p] ≠ 0 to `out` as i32s, in order, and returns how many: four
 * at a time without branches (a branch per value mispredicts on images), sixteen zeros skipped at once.
 */
function compact(row: usize, from: i32, to: i32, out: usize): i32 {
  let count = 0
  let p = from
  for (; p + 16 <= to; p += 16) {
    const at = row + (<usize>p << 2)
    const v0 = v128.load(at), v1 = v128.load(at, 16), v2 = v128.load(at, 32), v3 = v128.load(at, 48)
    if (!v128.any_true(v128.or(v128.or(v0, v1), v128.or(v2, v3)))) continue
    count = compact4(i32x4.bitmask(f32x4.ne(v0, ZERO)), p, out, count)
    count = compact4(i32x4.bitmask(f32x4.ne(v1, ZERO)), p + 4, out, count)
    count = compact4(i32x4.bitmask(f32x4.ne(v2, ZERO)), p + 8, out, count)
    count = compact4(i32x4.bitmask(f32x4.ne(v3, ZERO)), p + 12, out, count)
  }
  for (; p < to; p++) {
    store<i32>(out + (<usize>count << 2), p)
    count += i32(load<f32>(row + (<usize>p << 2)) != 0)
  }
  return count
}

/** For each 4-bit mask, the byte shuffle that moves the i32 lanes whose bits are set to the front, in order. */
const COMPRESS = memory.data<u8>([
  128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  4, 5, 6, 7, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 128, 128, 128, 128, 128, 128, 128, 128,
  8, 9, 10, 11, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 8, 9, 10, 11, 128, 128, 128, 128, 128, 128, 128, 128,
  4, 5, 6, 7, 8, 9, 10, 11, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 128, 128, 128, 128,
  12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128,
  4, 5, 6, 7, 12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 128, 128, 128, 128,
  8, 9, 10, 11, 12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 128, 128, 128, 128,
  4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
], 16)

/** Appends p + l for each bit l of `mask` at `out[count…]` (one store of all four); returns the new count. */
@inline function compact4(mask: i32, p: i32, out: usize, count: i32): i32 {
  const lanes = i32x4.add(i32x4.splat(p), i32x4(0, 1, 2, 3))
  v128.store(out + (<usize>count << 2), i8x16.swizzle(lanes, v128.load(COMPRESS + (<usize>mask << 4))))
  return count + popcnt(mask)
}

/** Whether rows×cols floats (rows `rowBytes` apart) are mostly zeros, judged on up to 16 rows spread over them. */
export function mostlyZeros(base: usize, rowBytes: usize, rows: i32, cols: i32): bool {
  const sample = min(rows, 16)
  let nonzeros = 0
  for (let s = 0; s < sample; s++) {
    const row = base + <usize>(s * rows / sample) * rowBytes
    let p = 0
    for (; p + 4 <= cols; p += 4) nonzeros += popcnt(nonzeroMask(row + (<usize>p << 2)))
    for (; p < cols; p++) if (load<f32>(row + (<usize>p << 2)) != 0) nonzeros++
  }
  return nonzeros * 16 < DENSITY_SIXTEENTHS * sample * cols
}

/** Bytes of workspace `sparseRowsTimes` needs; it fits when this is at most `workspaceBytes()`. */
export function sparseRowsBytes(n: i32, k: i32, kc: i32): usize {
  return (<usize>(n + NB - 1) / NB) * NB * <usize>k * 4 + <usize>(kc + 4) * 4 + NB * 4
}

/** Bytes of workspace `timesSparseRows` needs for blocks of `kc` steps. */
export function timesSparseBytes(kc: i32): usize {
  return (<usize>kc + NQ) * NB * 4 + (NQ + 4) * 4
}

/** Stores (or adds, when `add`) the 8 vectors at `tile` into `width` ≤ NB floats at `out`. */
@inline function storeTile(tile: usize, out: usize, width: i32, add: bool): void {
  let j = 0
  for (; j + 4 <= width; j += 4) {
    const at = out + (<usize>j << 2)
    const value = v128.load(tile + (<usize>j << 2))
    v128.store(at, add ? f32x4.add(v128.load(at), value) : value)
  }
  for (; j < width; j++) {
    const at = out + (<usize>j << 2)
    const value = load<f32>(tile + (<usize>j << 2))
    store<f32>(at, add ? load<f32>(at) + value : value)
  }
}

/**
 * C[i][j] (+)= columns[j − q0][i] for `height` rows and columns q0…q1: the transposed accumulators written back,
 * four by four through register transposes where the block is whole.
 */
function storeColumns(columns: usize, c: usize, ldc: i32, height: i32, q0: i32, q1: i32, add: bool): void {
  const rowBytes = <usize>ldc << 2
  let i = 0
  for (; i + 4 <= height; i += 4) {
    const out = c + <usize>i * rowBytes
    let j = q0
    for (; j + 4 <= q1; j += 4) {
      const from = columns + (<usize>(j - q0) * NB + <usize>i) * 4
      const r0 = v128.load(from), r1 = v128.load(from, NB * 4), r2 = v128.load(from, NB * 8), r3 = v128.load(from, NB * 12)
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7)
      const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7)
      const at = out + (<usize>j << 2)
      storeRow(at, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), add)
      storeRow(at + rowBytes, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), add)
      storeRow(at + 2 * rowBytes, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), add)
      storeRow(at + 3 * rowBytes, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), add)
    }
    for (let r = 0; r < 4; r++) storeColumnTail(columns, out + <usize>r * rowBytes, i + r, j, q0, q1, add)
  }
  for (; i < height; i++) storeColumnTail(columns, c + <usize>i * rowBytes, i, q0, q0, q1, add)
}

@inline function storeRow(at: usize, value: v128, add: bool): void {
  v128.store(at, add ? f32x4.add(v128.load(at), value) : value)
}

/** Row i of C from column `from` to q1, one value at a time. */
@inline function storeColumnTail(columns: usize, out: usize, i: i32, from: i32, q0: i32, q1: i32, add: bool): void {
  for (let j = from; j < q1; j++) {
    const at = out + (<usize>j << 2)
    const value = load<f32>(columns + (<usize>(j - q0) * NB + <usize>i) * 4)
    store<f32>(at, add ? load<f32>(at) + value : value)
  }
}

/**
 * C (+)= A·op(B) for A (m×k, rows `lda` floats apart) mostly zeros; op(B) is (base, row stride, col stride) as in
 * pack.as.ts. op(B) is packed k×NB per NB columns of C; then for each row of A and block of kc steps, the
 * positions of its nonzeros, and each NB columns of C's row summed in registers over them.
 */
export function sparseRowsTimes(
  a: usize, lda: i32, b: usize, bRowStride: i32, bColStride: i32, c: usize, ldc: i32,
  m: i32, n: i32, k: i32, kc: i32, accumulate: bool, work: usize,
): void {
  const tile = work
  const positions = work + NB * 4
  // compact() stores four lanes at a time, so the positions may run up to 3 past the last one counted
  const packed = positions + (<usize>(kc + 4) << 2)
  const panels = (n + NB - 1) / NB
  const panelBytes = <usize>k * NB * 4
  for (let j = 0; j < panels; j++) {
    const width = min(NB, n - j * NB)
    for (let g = 0; g < NB; g += 4) {
      packLines4(b, bRowStride, bColStride, j * NB + g, max(0, min(4, width - g)), 0, k, false, packed + <usize>j * panelBytes + (<usize>g << 2), NB * 4)
    }
  }
  for (let i = 0; i < m; i++) {
    const row = a + ((<usize>i * <usize>lda) << 2)
    for (let p0 = 0; p0 < k; p0 += kc) {
      const count = compact(row, p0, min(k, p0 + kc), positions)
      for (let j = 0; j < panels; j++) {
        const panel = packed + <usize>j * panelBytes
        let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO, c4 = ZERO, c5 = ZERO, c6 = ZERO, c7 = ZERO
        for (let t = 0; t < count; t++) {
          const q = load<i32>(positions + (<usize>t << 2))
          const x = v128.load_splat<f32>(row + (<usize>q << 2))
          const bp = panel + <usize>q * NB * 4
          c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)))
          c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)))
          c2 = f32x4.add(c2, f32x4.mul(x, v128.load(bp, 32)))
          c3 = f32x4.add(c3, f32x4.mul(x, v128.load(bp, 48)))
          c4 = f32x4.add(c4, f32x4.mul(x, v128.load(bp, 64)))
          c5 = f32x4.add(c5, f32x4.mul(x, v128.load(bp, 80)))
          c6 = f32x4.add(c6, f32x4.mul(x, v128.load(bp, 96)))
          c7 = f32x4.add(c7, f32x4.mul(x, v128.load(bp, 112)))
        }
        v128.store(tile, c0); v128.store(tile, c1, 16); v128.store(tile, c2, 32); v128.store(tile, c3, 48)
        v128.store(tile, c4, 64); v128.store(tile, c5, 80); v128.store(tile, c6, 96); v128.store(tile, c7, 112)
        const out = c + ((<usize>i * <usize>ldc + <usize>(j * NB)) << 2)
        storeTile(tile, out, min(NB, n - j * NB), accumulate || p0 > 0)
      }
    }
  }
}

/**
 * C (+)= op(A)·B for B (k×n, rows `ldb` floats apart) mostly zeros; op(A) is (base, row stride, col stride).
 * Per NB rows of C and block of kc steps: op(A)'s rows packed kc×NB, then for each nonzero B[p, q] the column
 * q of C (held transposed, NB floats per column, for up to NQ columns) gains B[p, q]·op(A)[:, p].
 */
export function timesSparseRows(
  a: usize, aRowStride: i32, aColStride: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  m: i32, n: i32, k: i32, kc: i32, accumulate: bool, work: usize,
): void {
  const packed = work
  const columns = work + <usize>kc * NB * 4
  const positions = columns + <usize>NQ * NB * 4
  for (let i0 = 0; i0 < m; i0 += NB) {
    const height = min(NB, m - i0)
    for (let q0 = 0; q0 < n; q0 += NQ) {
      const q1 = min(n, q0 + NQ)
      for (let p0 = 0; p0 < k; p0 += kc) {
        const depth = min(kc, k - p0)
        for (let g = 0; g < NB; g += 4) packLines4(a, aRowStride, aColStride, i0 + g, max(0, min(4, height - g)), p0, depth, true, packed + (<usize>g << 2), NB * 4)
        memory.fill(columns, 0, <usize>(q1 - q0) * NB * 4)
        for (let p = 0; p < depth; p++) {
          const ap = packed + <usize>p * NB * 4
          const a0 = v128.load(ap), a1 = v128.load(ap, 16), a2 = v128.load(ap, 32), a3 = v128.load(ap, 48)
          const a4 = v128.load(ap, 64), a5 = v128.load(ap, 80), a6 = v128.load(ap, 96), a7 = v128.load(ap, 112)
          const row = b + ((<usize>(p0 + p) * <usize>ldb) << 2)
          const count = compact(row, q0, q1, positions)
          for (let t = 0; t < count; t++) {
            const j = load<i32>(positions + (<usize>t << 2))
            const x = v128.load_splat<f32>(row + (<usize>j << 2))
            const at = columns + <usize>(j - q0) * NB * 4
            v128.store(at, f32x4.add(v128.load(at), f32x4.mul(x, a0)))
            v128.store(at, f32x4.add(v128.load(at, 16), f32x4.mul(x, a1)), 16)
            v128.store(at, f32x4.add(v128.load(at, 32), f32x4.mul(x, a2)), 32)
            v128.store(at, f32x4.add(v128.load(at, 48), f32x4.mul(x, a3)), 48)
            v128.store(at, f32x4.add(v128.load(at, 64), f32x4.mul(x, a4)), 64)
            v128.store(at, f32x4.add(v128.load(at, 80), f32x4.mul(x, a5)), 80)
            v128.store(at, f32x4.add(v128.load(at, 96), f32x4.mul(x, a6)), 96)
            v128.store(at, f32x4.add(v128.load(at, 112), f32x4.mul(x, a7)), 112)
          }
        }
        storeColumns(columns, c + ((<usize>i0 * <usize>ldc) << 2), ldc, height, q0, q1, accumulate || p0 > 0)
      }
    }
  }
}
