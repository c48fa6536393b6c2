import { afterAll, beforeAll } from 'vitest'
import { fusedGemm, setFusedGemm } from '../../src/main/engine/kernels'

/** Whether this runtime runs the fused build (by default it does wherever it can). */
export const fusedAvailable = fusedGemm()

/** The GEMM's builds this runtime has: fused multiply-adds (relaxed SIMD), and a multiply then an add. */
export const gemmBuilds = [
  { build: 'fused multiply-add', fused: true },
  { build: 'multiply, then add', fused: false },
].filter(({ fused }) => !fused || fusedAvailable)

/** Runs the enclosing suite's GEMMs with the fused build or the plain one, then restores the default. */
export function useGemmBuild(fused: boolean): void {
  beforeAll(() => setFusedGemm(fused))
  afterAll(() => setFusedGemm(true))
}
