import type { Worker } from 'node:worker_threads'

/** The message that asks a worker to end itself (see `exitWhenAsked`). */
export const EXIT_REQUEST = { type: 'exit' } as const

/** How long a worker has to end itself before it is terminated from outside. */
const EXIT_GRACE_MS = 15_000

const isExitRequest = (message: unknown): boolean => (message as { type?: unknown } | null)?.type === EXIT_REQUEST.type

/**
 * In a worker: end this thread when `endWorker` asks, after `beforeExit` (ending workers of its own). The request is
 * read between tasks, never inside a native call. Returns whether `message` was that request.
 */
export function exitWhenAsked(message: unknown, beforeExit: () => Promise<void> = async () => {}): boolean {
  if (!isExitRequest(message)) return false
  void beforeExit().finally(() => process.exit(0))
  return true
}

/**
 * End a worker, resolving once its thread is gone. It is asked to end itself first: `worker.terminate()` during an
 * onnxruntime call (a traced training step) makes onnxruntime-node's binding throw a C++ exception while the thread
 * is torn down, and that aborts the whole process. Terminated from outside only when it has not ended in time.
 */
export async function endWorker(worker: Worker): Promise<void> {
  if (worker.threadId === -1) return
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  worker.postMessage(EXIT_REQUEST)
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), EXIT_GRACE_MS)))
  if ((await Promise.race([exited, late])) === 'late') await worker.terminate()
  clearTimeout(timer)
}
