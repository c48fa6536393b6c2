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

/** Runs a workload's PyTorch counterpart pinned to `threads` threads. */
export function runTorch(request: TorchRequest, threads: number): Result[] {
  const run = spawnSync(PYTHON, [SCRIPT, '--threads', String(threads), '--request', JSON.stringify(request)], {
    encoding: 'utf8',
    // NOTE: OpenBLAS and OpenMP read these before torch.set_num_threads, so pin them too.
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) },
    maxBuffer: 16 * 1024 * 1024,
  })
  if (run.status !== 0) throw new Error(`torch_bench.py failed for ${request.workload} (${threads} threads): ${run.stderr || run.error?.message}`)
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Result)
}
