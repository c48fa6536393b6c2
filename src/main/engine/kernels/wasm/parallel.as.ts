// AssemblyScript. One GEMM shared by several threads: each grabs chunks of C's rows (or columns) in turn.
import { gemm } from './gemm.as'
import {
  GEMM_JOB_A, GEMM_JOB_ACCUMULATE, GEMM_JOB_ALONG_ROWS, GEMM_JOB_B, GEMM_JOB_C, GEMM_JOB_CHUNK, GEMM_JOB_CHUNKS, GEMM_JOB_INDEX,
  GEMM_JOB_K, GEMM_JOB_LDA, GEMM_JOB_LDB, GEMM_JOB_LDC, GEMM_JOB_M, GEMM_JOB_N, GEMM_JOB_NEXT, GEMM_JOB_SPARSE, GEMM_JOB_TRANS_A,
  GEMM_JOB_TRANS_B,
} from './generated/interface.as'

// A job block in shared memory, written by the thread that posts it (`HelperPool.run` in helpers.ts); its words are
// laid out in interface.spec.mjs.

/**
 * Computes chunks of the job at `job` until none is left, with the workspace at `work`. Chunk i covers rows
 * (or columns) [i·chunk, (i+1)·chunk) and the last one the rest; each element of C is summed in the same
 * order whichever thread computes it, so the result is the single-threaded one, bit for bit.
 */
export function gemmChunks(job: usize, work: usize): void {
  const chunks = load<i32>(job, GEMM_JOB_CHUNKS)
  const chunk = load<i32>(job, GEMM_JOB_CHUNK)
  const alongRows = load<i32>(job, GEMM_JOB_ALONG_ROWS) != 0
  const a = load<usize>(job, GEMM_JOB_A), lda = load<i32>(job, GEMM_JOB_LDA)
  const b = load<usize>(job, GEMM_JOB_B), ldb = load<i32>(job, GEMM_JOB_LDB)
  const c = load<usize>(job, GEMM_JOB_C), ldc = load<i32>(job, GEMM_JOB_LDC)
  const m = load<i32>(job, GEMM_JOB_M), n = load<i32>(job, GEMM_JOB_N), k = load<i32>(job, GEMM_JOB_K)
  const transA = load<i32>(job, GEMM_JOB_TRANS_A) != 0, transB = load<i32>(job, GEMM_JOB_TRANS_B) != 0
  const accumulate = load<i32>(job, GEMM_JOB_ACCUMULATE) != 0
  const sparse = load<i32>(job, GEMM_JOB_SPARSE) != 0
  const index = load<usize>(job, GEMM_JOB_INDEX)
  for (let i = atomic.add<i32>(job + GEMM_JOB_NEXT, 1); i < chunks; i = atomic.add<i32>(job + GEMM_JOB_NEXT, 1)) {
    const start = i * chunk
    const size = i == chunks - 1 ? (alongRows ? m : n) - start : chunk
    if (alongRows) {
      const aAt = a + (<usize>start * (transA ? 1 : <usize>lda) << 2)
      gemm(aAt, lda, b, ldb, c + (<usize>start * <usize>ldc << 2), ldc, size, n, k, transA, transB, accumulate, sparse, index, work)
    } else {
      const bAt = b + (<usize>start * (transB ? <usize>ldb : 1) << 2)
      gemm(a, lda, bAt, ldb, c + (<usize>start << 2), ldc, m, size, k, transA, transB, accumulate, sparse, index, work)
    }
  }
}
