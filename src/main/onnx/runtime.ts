/** onnxruntime-node, with its telemetry off (./telemetry-off): every use of onnxruntime in Digit Lab imports it from here. */
import './telemetry-off'

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
