import { Random } from '../../src/main/engine/random'
import { gemmReference, type Gemm, type GemmArgs } from '../../src/main/engine/kernels'

/** One product's sizes and options. */
export type Case = Pick<GemmArgs, 'm' | 'n' | 'k' | 'transA' | 'transB' | 'accumulate'>

const UNIT_ROUNDOFF = 2 ** -24

export function randomArray(size: number, random: Random): Float32Array {
  return Float32Array.from({ length: size }, () => random.normal())
}

/** Random operands for a case, with C holding values to accumulate onto. */
export function operands(c: Case, seed: number): GemmArgs {
  const random = new Random(seed)
  return { ...c, a: randomArray(c.m * c.k, random), b: randomArray(c.k * c.n, random), c: randomArray(c.m * c.n, random) }
}

/** C after `gemm` on a copy of the args' C. */
export function run(gemm: Gemm, args: GemmArgs): Float32Array {
  const c = args.c.slice()
  gemm({ ...args, c })
  return c
}

/** S_ij = Σ_p |op(A)_ip·op(B)_pj| (+ |C_ij| when accumulating): the scale the rounding error is bounded by. */
function magnitudes({ a, b, c, m, n, k, transA, transB, accumulate }: GemmArgs): Float64Array {
  const s = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = accumulate ? Math.abs(c[i * n + j]) : 0
      for (let p = 0; p < k; p++) sum += Math.abs(a[transA ? p * m + i : i * k + p] * b[transB ? j * k + p : p * n + j])
      s[i * n + j] = sum
    }
  }
  return s
}

/**
 * The float32 GEMM in any summation order is within γ_(k+1)·S of the exact result (Higham, Accuracy and
 * Stability of Numerical Algorithms, §3.1), and the float64 reference rounded to float32 within u·S more,
 * so |gemm − reference| ≤ (k + 2)·u·S with u = 2⁻²⁴. Throws past it; returns the worst error as a fraction of S.
 */
export function expectWithinBound(gemm: Gemm, args: GemmArgs, ours = run(gemm, args)): number {
  const reference = run(gemmReference, args)
  const scale = magnitudes(args)
  const bound = (args.k + 2) * UNIT_ROUNDOFF * 1.0001
  let worst = 0
  for (let i = 0; i < ours.length; i++) {
    const error = Math.abs(ours[i] - reference[i])
    if (!(error <= bound * scale[i])) {
      throw new Error(`${describeCase(args)}: C[${i}] = ${ours[i]}, reference ${reference[i]}, error ${error} > ${bound} · ${scale[i]}`)
    }
    if (scale[i] > 0) worst = Math.max(worst, error / scale[i])
  }
  return worst
}

export function describeCase({ m, n, k, transA, transB, accumulate }: Case): string {
  return `${m}×${k}·${k}×${n} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}${accumulate ? ' +C' : ''}`
}

/** The eight transpose and accumulate variants of one size. */
export function variants(m: number, n: number, k: number): Case[] {
  return [false, true].flatMap((transA) =>
    [false, true].flatMap((transB) => [false, true].map((accumulate) => ({ m, n, k, transA, transB, accumulate }))),
  )
}
