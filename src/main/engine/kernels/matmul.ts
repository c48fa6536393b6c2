/**
 * One general matrix multiply: C = op(A)·op(B) (+ C when `accumulate`), row-major.
 * op(A) is m×k (stored k×m when `transA`), op(B) is k×n (stored n×k when `transB`).
 */
export interface GemmArgs {
  readonly a: Float32Array
  readonly b: Float32Array
  readonly c: Float32Array
  readonly m: number
  readonly n: number
  readonly k: number
  readonly transA: boolean
  readonly transB: boolean
  readonly accumulate: boolean
  /** Where the nonzeros of A's or B's rows are, when found already (see `NonzeroIndex`); only a hint. */
  readonly index?: NonzeroIndex | null
}

export type Gemm = (args: GemmArgs) => void

/**
 * Where the nonzeros of a mostly-zero matrix's rows are, found once for several products of that matrix (a
 * batch of digits is multiplied by the weights, then by the output's gradient for theirs). A product uses it only
 * for the very array it was made from, which must not change meanwhile; results are the same bits without it.
 */
export interface NonzeroIndex {
  /** The matrix it describes. */
  readonly of: Float32Array
  /** Frees it now (one that is collected is freed anyway); products then find the nonzeros themselves. */
  release(): void
}

/** Indexes the nonzeros of a rows×cols matrix, or null when that would not pay (the fast GEMM's companion). */
export type IndexNonzeros = (x: Float32Array, rows: number, cols: number) => NonzeroIndex | null

/** The plain TypeScript GEMM every faster kernel is tested against; sums each row in float64. */
export const gemmReference: Gemm = ({ a, b, c, m, n, k, transA, transB, accumulate }) => {
  const [rowStrideA, colStrideA] = transA ? [1, m] : [k, 1]
  const [rowStrideB, colStrideB] = transB ? [1, k] : [n, 1]
  const row = new Float64Array(n)
  for (let i = 0; i < m; i++) {
    if (accumulate) for (let j = 0; j < n; j++) row[j] = c[i * n + j]
    else row.fill(0)
    for (let p = 0; p < k; p++) {
      const aip = a[i * rowStrideA + p * colStrideA]
      if (aip === 0) continue
      const base = p * rowStrideB
      for (let j = 0; j < n; j++) row[j] += aip * b[base + j * colStrideB]
    }
    for (let j = 0; j < n; j++) c[i * n + j] = row[j]
  }
}
