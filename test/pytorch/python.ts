import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { PYTHON_PATH } from '../helpers/system-parts'

export interface PythonRun {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Run a Python script in `cwd` on one thread (OpenMP and OpenBLAS pinned), with extra environment variables and, optionally, text on its stdin. */
export function runPython(cwd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}, input?: string): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON_PATH, args, { cwd, env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}

/** The last line a script printed, parsed as JSON (train.py's and check.py's result), failing with what it printed. */
export function lastJson<T>(run: PythonRun): T {
  const last = run.stdout.trim().split('\n').at(-1) ?? ''
  if (run.status !== 0 || !last.startsWith('{')) throw new Error(`the script failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`)
  return JSON.parse(last) as T
}

/** A TCP port free at the moment, for the processes' rendezvous. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * train.py as torchrun would start it with `--nproc_per_node 2` (Debian's torchrun itself fails before starting
 * workers): two processes with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT set, gloo on the CPU.
 */
export async function runDistributed(cwd: string, args: readonly string[]): Promise<PythonRun[]> {
  const port = String(await freePort())
  return Promise.all([0, 1].map((rank) =>
    runPython(cwd, ['train.py', ...args], {
      RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: port,
    })))
}
