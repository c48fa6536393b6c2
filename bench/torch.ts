import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Result, TorchRequest } from './workload'

/** Debian's interpreter, where `apt install python3-torch libopenblas0-pthread` puts PyTorch. */
const PYTHON = '/usr/bin/python3'
const SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url))

/** Why PyTorch cannot run here, or null when it can. */
export function torchUnavailable(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' })
  if (probe.error) return `${PYTHON} is missing (${probe.error.message})`
  if (probe.status !== 0) return `PyTorch is missing under ${PYTHON}: apt install python3-torch libopenblas0-pthread`
  return null
}

/**
 * How to hold PyTorch to an older instruction set than the CPU has (`--torch-isa`): its convolutions (oneDNN), its
 * own elementwise kernels (ATen's dispatch) and its BLAS (OpenBLAS's core type). WebAssembly SIMD is 128 bits
 * wide on every CPU, so these show how much of PyTorch's lead is the width of its vectors. SSE4.1 is 128 bits like
 * ours but has no fused multiply-add, which ours has (relaxed SIMD); AVX2 is 256 bits with FMA.
 */
const ISA_LIMITS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  avx2: { ONEDNN_MAX_CPU_ISA: 'AVX2', DNNL_MAX_CPU_ISA: 'AVX2', ATEN_CPU_CAPABILITY: 'avx2', OPENBLAS_CORETYPE: 'HASWELL' },
  sse41: { ONEDNN_MAX_CPU_ISA: 'SSE41', DNNL_MAX_CPU_ISA: 'SSE41', ATEN_CPU_CAPABILITY: 'default', OPENBLAS_CORETYPE: 'NEHALEM' },
}

/** The instruction sets PyTorch can be held to. */
export const TORCH_ISAS: readonly string[] = Object.keys(ISA_LIMITS)

/**
 * Runs a workload's PyTorch counterpart pinned to `threads` threads, held to the instruction set `isa` (one of
 * TORCH_ISAS) or, when absent, using the best the CPU has.
 */
export function runTorch(request: TorchRequest, threads: number, isa?: string): Result[] {
  const limits = isa === undefined ? {} : ISA_LIMITS[isa]
  if (!limits) throw new Error(`PyTorch can be held to ${TORCH_ISAS.join(' or ')}, not ${isa}`)
  const run = spawnSync(PYTHON, [SCRIPT, '--threads', String(threads), '--request', JSON.stringify(request)], {
    encoding: 'utf8',
    // NOTE: OpenBLAS and OpenMP read these before torch.set_num_threads, so pin them too.
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), ...limits },
    maxBuffer: 16 * 1024 * 1024,
  })
  if (run.status !== 0) throw new Error(`torch_bench.py failed for ${request.workload} (${threads} threads): ${run.stderr || run.error?.message}`)
  const results = run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Result)
  return isa === undefined ? results : results.map((result) => ({ ...result, isa }))
}
