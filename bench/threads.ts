import { setThreads, threadsReady } from '../src/main/engine/kernels'

/** Runs our engine on `threads` threads from now on (the engine's setting), once its helper threads are up. */
export async function useThreads(threads: number): Promise<void> {
  setThreads(threads)
  await threadsReady()
}
