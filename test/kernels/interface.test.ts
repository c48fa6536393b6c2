import { describe, expect, it } from 'vitest'
import { assemblyScriptSide, typeScriptSide } from '../../scripts/kernel-interface.mjs'
import { DISPATCH, ENTRIES, GEMM_JOB, PASS_JOB, PASSES } from '../../src/main/engine/kernels/wasm/generated/interface'
import { loadKernelModule } from '../../src/main/engine/kernels/wasm/instance'
import { BLOCK_BYTES } from '../../src/main/engine/kernels/wasm/helpers'

/** A declaration as asc writes it, for a module that exports gemm with `params`. */
const declarations = (params: string): string =>
  [`export function gemm(${params}): void;`, ...ENTRIES.map((entry) => `export function ${entry}(job: number, work: number): void;`)].join('\n')
const GEMM_PARAMS = 'a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, k: number, ' +
  'transA: boolean, transB: boolean, accumulate: boolean, sparse: boolean, index: number, work: number'

describe('the kernel interface, generated from interface.spec.mjs', () => {
  it('lays the job words out once for both sides: the dispatch words after the longest job, all in one block', () => {
    expect(DISPATCH.build).toBe(Object.keys(GEMM_JOB).length)
    expect((DISPATCH.entry + 1) * 4).toBeLessThanOrEqual(BLOCK_BYTES)
    const constants = assemblyScriptSide()
    expect(constants).toContain(`export const GEMM_JOB_INDEX = ${GEMM_JOB.index * 4}`)
    expect(constants).toContain(`export const PASS_JOB_ARGS = ${PASS_JOB.args * 4}`)
    expect(constants).toContain(`export const CONV_SWAP_AXES = ${PASSES.convChunks.swapAxes}`)
  })

  it('types the exports from their AssemblyScript signatures, flags as 0 or 1, and the module has each entry', () => {
    const generated = typeScriptSide(declarations(GEMM_PARAMS))
    expect(generated).toContain('gemm(a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, k: number, transA: number,')
    const wasm = loadKernelModule()
    if (!wasm) throw new Error('the WebAssembly kernels did not load: run npm run build:wasm')
    for (const entry of ENTRIES) expect(typeof wasm.exports[entry], entry).toBe('function')
  })

  it('refuses a spec whose GEMM job words are not gemm\'s arguments, or an entry the module lacks', () => {
    expect(() => typeScriptSide(declarations(GEMM_PARAMS.replace('lda', 'strideA')))).toThrow(/are not gemm's arguments/)
    expect(() => typeScriptSide(declarations(GEMM_PARAMS).replace('adamChunks', 'adamSteps'))).toThrow(/no export named adamChunks/)
  })
})
