// AssemblyScript (compiled by `npm run build:wasm`, not by tsc). A blocked, packed GEMM (kernels.as.ts exports it).
import { MR, NR, TILE_BYTES, kernel4x8, kernelEdge } from './microkernel.as'
import { packA, packB } from './pack.as'
import { axpyRows, dotRows } from './gemv.as'
import { indexedRow, mostlyZeros } from './nonzeros.as'
import { sparseRowsBytes, sparseRowsTimes, timesSparseBytes, timesSparseRows } from './sparse.as'

// NOTE: blocking as in BLIS (Goto's algorithm): a kc×8 panel of B̃ (8 KiB) stays in L1 while the kernel
// walks the mc×kc block Ã (128 KiB) in L2; the kc×nc panel B̃ (2 MiB) lives in L2/L3. On this machine's
// 2 MiB L2 the rate at 1024³ moved by under 5% across mc 64–256, kc 128–512, nc 1024–4096.
const MC: i32 = 128
const KC: i32 = 256
const NC: i32 = 2048

/** The first free byte of memory, 64-byte aligned; workspaces and operands go at or after it. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~63
}

/** Bytes of the workspace each concurrent `gemm` call needs: an edge tile, then the Ã and B̃ buffers. */
export function workspaceBytes(): usize {
  return TILE_BYTES + (<usize>(MC * KC + KC * NC) << 2)
}

/**
 * C = op(A)·op(B) (+ C when `accumulate`) for row-major matrices with row strides (in floats) lda, ldb, ldc;
 * op(A) is m×k (stored k×m when `transA`), op(B) is k×n (stored n×k when `transB`). Pointers are byte
 * offsets into memory; `work` points to `workspaceBytes()` bytes that no concurrent call uses. With `sparse`,
 * an operand that is mostly zeros takes a path that skips its zeros (sparse.as.ts), giving the same C.
 */
export function gemm(
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  m: i32, n: i32, k: i32, transA: bool, transB: bool, accumulate: bool, sparse: bool, index: usize, work: usize,
): void {
  if (m <= 0 || n <= 0) return
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + ((<usize>i * <usize>ldc) << 2), 0, <usize>n << 2)
    return
  }
  // A vector operand of a whole (unstrided) product is contiguous whichever way it is stored.
  const whole = lda == (transA ? m : k) && ldb == (transB ? k : n) && ldc == n
  if (whole && n == 1) {
    if (transA) axpyRows(a, k, m, b, c, accumulate)
    else dotRows(a, m, k, b, c, accumulate)
    return
  }
  if (whole && m == 1) {
    if (transB) dotRows(b, n, k, a, c, accumulate)
    else axpyRows(b, k, n, a, c, accumulate)
    return
  }
  const path = sparse ? sparsePath(a, lda, b, ldb, m, n, k, transA, transB, index) : DENSE
  if (path == ROWS_OF_A) {
    sparseRowsTimes(a, lda, b, transB ? 1 : ldb, transB ? ldb : 1, c, ldc, m, n, k, KC, accumulate, index, work)
    return
  }
  if (path == ROWS_OF_B) {
    timesSparseRows(a, transA ? 1 : lda, transA ? lda : 1, b, ldb, c, ldc, m, n, k, KC, accumulate, index, work)
    return
  }
  blocked(a, transA ? 1 : lda, transA ? lda : 1, b, transB ? 1 : ldb, transB ? ldb : 1, c, <usize>ldc << 2, m, n, k, accumulate, work)
}

/** Which path a product takes: the packed kernel, or skipping the zeros of op(A)'s rows, or of op(B)'s rows. */
const DENSE = 0, ROWS_OF_A = 1, ROWS_OF_B = 2

/**
 * The path `gemm` takes for a product that is not a vector one, with `sparse` on: rows of A or of B that are
 * stored untransposed and mostly zeros (judged on a sample of rows, or known from an index of that operand),
 * when the workspace holds what it needs.
 */
export function sparsePath(a: usize, lda: i32, b: usize, ldb: i32, m: i32, n: i32, k: i32, transA: bool, transB: bool, index: usize): i32 {
  if (!transA && sparseRowsBytes(n, k, KC) <= workspaceBytes()) {
    if (indexedRow(index, a, lda, m, k, KC) >= 0 || mostlyZeros(a, <usize>lda << 2, m, k)) return ROWS_OF_A
  }
  if (!transB && timesSparseBytes(KC) <= workspaceBytes()) {
    if (indexedRow(index, b, ldb, k, n, KC) >= 0 || mostlyZeros(b, <usize>ldb << 2, k, n)) return ROWS_OF_B
  }
  return DENSE
}

/** The column blocks an index must use to serve `gemm` (its kc). */
export function indexBlock(): i32 {
  return KC
}

function blocked(
  a: usize, aRowStride: i32, aColStride: i32, b: usize, bRowStride: i32, bColStride: i32, c: usize, ldc: usize,
  m: i32, n: i32, k: i32, accumulate: bool, work: usize,
): void {
  const packedA = work + TILE_BYTES
  const packedB = packedA + (<usize>(MC * KC) << 2)
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc)
      const add = accumulate || pc > 0
      packB(b, bRowStride, bColStride, pc, kc, jc, nc, packedB)
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic)
        packA(a, aRowStride, aColStride, ic, mc, pc, kc, packedA)
        macroKernel(mc, nc, kc, packedA, packedB, c + <usize>ic * ldc + (<usize>jc << 2), ldc, add, work)
      }
    }
  }
}

/** C block (mc×nc) (+)= Ã·B̃, tile by tile; B̃'s panel stays in L1 while the tiles walk down Ã. */
function macroKernel(mc: i32, nc: i32, kc: i32, packedA: usize, packedB: usize, c: usize, ldc: usize, add: bool, tile: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr)
    const bp = packedB + (<usize>(jr * kc) << 2)
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir)
      const ap = packedA + (<usize>(ir * kc) << 2)
      const at = c + <usize>ir * ldc + (<usize>jr << 2)
      if (mr == MR && nr == NR) kernel4x8(kc, ap, bp, at, ldc, add)
      else kernelEdge(kc, ap, bp, at, ldc, add, mr, nr, tile)
    }
  }
}
