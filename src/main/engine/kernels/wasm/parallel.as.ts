// AssemblyScript. One GEMM shared by several threads: each grabs chunks of C's rows (or columns) in turn.
import { gemm } from './gemm.as'

// A job is 18 int32s in shared memory, written by the thread that posts it (see `Job` in helpers.ts):
// next chunk, chunks, chunk size, along rows, then gemm's a, lda, b, ldb, c, ldc, m, n, k, transA, transB, accumulate, sparse, index.
const NEXT = 0
const CHUNKS = 4
const CHUNK = 8
const ALONG_ROWS = 12
const ARGS = 16

/**
 * Computes chunks of the job at `job` until none is left, with the workspace at `work`. Chunk i covers rows
 * (or columns) [i·chunk, (i+1)·chunk) and the last one the rest; each element of C is summed in the same
 * order whichever thread computes it, so the result is the single-threaded one, bit for bit.
 */
export function gemmChunks(job: usize, work: usize): void {
  const chunks = load<i32>(job, CHUNKS)
  const chunk = load<i32>(job, CHUNK)
  const alongRows = load<i32>(job, ALONG_ROWS) != 0
  const a = load<usize>(job, ARGS), lda = load<i32>(job, ARGS + 4)
  const b = load<usize>(job, ARGS + 8), ldb = load<i32>(job, ARGS + 12)
  const c = load<usize>(job, ARGS + 16), ldc = load<i32>(job, ARGS + 20)
  const m = load<i32>(job, ARGS + 24), n = load<i32>(job, ARGS + 28), k = load<i32>(job, ARGS + 32)
  const transA = load<i32>(job, ARGS + 36) != 0, transB = load<i32>(job, ARGS + 40) != 0
  const accumulate = load<i32>(job, ARGS + 44) != 0
  const sparse = load<i32>(job, ARGS + 48) != 0
  const index = load<usize>(job, ARGS + 52)
  for (let i = atomic.add<i32>(job + NEXT, 1); i < chunks; i = atomic.add<i32>(job + NEXT, 1)) {
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
