// AssemblyScript. Products where one operand is mostly zeros, as images of digits are (about 80% of MNIST's
// pixels are 0). Each nonzero term is added in exactly the order the blocked GEMM adds it — block by block of
// `kc` steps, each block summed from zero and then added to C — and the zero terms are skipped: they only add
// ±0, which changes no sum. So C equals the dense result bit for bit whenever the other operand is finite
// (a zero times an infinity would have given NaN there).
import { compact, indexedCount, indexedPositions, indexedRow } from './nonzeros.as'
import { madd } from './microkernel.as'
import { packLines4 } from './pack.as'

/** Columns (or rows) of C one pass computes: 8 f32x4 registers. */
const NB: i32 = 32
/** Columns of C one pass of `timesSparseRows` accumulates (NB floats each) in the workspace. */
const NQ: i32 = 8192

const ZERO = f32x4.splat(0)
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
  m: i32, n: i32, k: i32, kc: i32, accumulate: bool, index: usize, work: usize,
): void {
  // With an index of A (see nonzeros.as.ts), its rows' nonzeros are read from there instead of found again.
  const first = indexedRow(index, a, lda, m, k, kc)
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
    let listed = first < 0 ? positions : indexedPositions(index, first + i)
    for (let p0 = 0; p0 < k; p0 += kc) {
      const count = first < 0 ? compact(row, p0, min(k, p0 + kc), positions) : indexedCount(index, first + i, p0 / kc)
      for (let j = 0; j < panels; j++) {
        const panel = packed + <usize>j * panelBytes
        let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO, c4 = ZERO, c5 = ZERO, c6 = ZERO, c7 = ZERO
        for (let t = 0; t < count; t++) {
          const q = load<i32>(listed + (<usize>t << 2))
          const x = v128.load_splat<f32>(row + (<usize>q << 2))
          const bp = panel + <usize>q * NB * 4
          c0 = madd(x, v128.load(bp), c0)
          c1 = madd(x, v128.load(bp, 16), c1)
          c2 = madd(x, v128.load(bp, 32), c2)
          c3 = madd(x, v128.load(bp, 48), c3)
          c4 = madd(x, v128.load(bp, 64), c4)
          c5 = madd(x, v128.load(bp, 80), c5)
          c6 = madd(x, v128.load(bp, 96), c6)
          c7 = madd(x, v128.load(bp, 112), c7)
        }
        v128.store(tile, c0); v128.store(tile, c1, 16); v128.store(tile, c2, 32); v128.store(tile, c3, 48)
        v128.store(tile, c4, 64); v128.store(tile, c5, 80); v128.store(tile, c6, 96); v128.store(tile, c7, 112)
        const out = c + ((<usize>i * <usize>ldc + <usize>(j * NB)) << 2)
        storeTile(tile, out, min(NB, n - j * NB), accumulate || p0 > 0)
      }
      if (first >= 0) listed += <usize>count << 2
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
  m: i32, n: i32, k: i32, kc: i32, accumulate: bool, index: usize, work: usize,
): void {
  // With an index of B (see nonzeros.as.ts) covering whole rows, each row's nonzeros are read from there.
  const first = n <= NQ ? indexedRow(index, b, ldb, k, n, kc) : -1
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
          const count = first < 0 ? compact(row, q0, q1, positions) : indexedCount(index, first + p0 + p, -1)
          const listed = first < 0 ? positions : indexedPositions(index, first + p0 + p)
          for (let t = 0; t < count; t++) {
            const j = load<i32>(listed + (<usize>t << 2))
            const x = v128.load_splat<f32>(row + (<usize>j << 2))
            const at = columns + <usize>(j - q0) * NB * 4
            v128.store(at, madd(x, a0, v128.load(at)))
            v128.store(at, madd(x, a1, v128.load(at, 16)), 16)
            v128.store(at, madd(x, a2, v128.load(at, 32)), 32)
            v128.store(at, madd(x, a3, v128.load(at, 48)), 48)
            v128.store(at, madd(x, a4, v128.load(at, 64)), 64)
            v128.store(at, madd(x, a5, v128.load(at, 80)), 80)
            v128.store(at, madd(x, a6, v128.load(at, 96)), 96)
            v128.store(at, madd(x, a7, v128.load(at, 112)), 112)
          }
        }
        storeColumns(columns, c + ((<usize>i0 * <usize>ldc) << 2), ldc, height, q0, q1, accumulate || p0 > 0)
      }
    }
  }
}
