/**
 * onnxruntime-node, with its telemetry off: every use of onnxruntime in Digit Lab imports it from here.
 *
 * NOTE: onnxruntime-node 1.30 on Linux starts Microsoft's 1DS telemetry when it creates its
 * environment (at the first session): it leaves an empty `mat-debug-<pid>.log` in the temporary
 * folder on every run, and its library carries code to upload events over HTTPS. The library reads
 * `ORT_DISABLE_TELEMETRY` at that moment, so setting it before any session is enough — from the main
 * thread: a worker thread's process.env is its own copy, which the library never reads. The service and
 * the CLI import this module on their main thread before any worker starts (the test run's leftover
 * check, test/helpers/temp-leftovers.ts, fails on any mat-debug-<pid>.log a session left).
 */
process.env.ORT_DISABLE_TELEMETRY = '1'

import type { InferenceSession } from 'onnxruntime-node'

export { InferenceSession, Tensor } from 'onnxruntime-node'

let intraOpThreads: number | null = null

/**
 * Keep every onnxruntime session made from now on to `threads` threads. The desktop app keeps its main process's
 * sessions (drawing, the export's parity check) to one, so they never take the cores a training worker uses;
 * the CLI leaves onnxruntime its default, every core.
 */
export function limitSessionThreads(threads: number): void {
  intraOpThreads = threads
}

/** The options each session is made with. */
export function sessionOptions(): InferenceSession.SessionOptions {
  return intraOpThreads === null ? { logSeverityLevel: 3 } : { logSeverityLevel: 3, intraOpNumThreads: intraOpThreads, interOpNumThreads: 1, executionMode: 'sequential' }
}
