/**
 * onnxruntime-node, with its telemetry off: every use of onnxruntime in Digit Lab imports it from here.
 *
 * NOTE: onnxruntime-node 1.30 on Linux starts Microsoft's 1DS telemetry when it creates its
 * environment (at the first session): it leaves an empty `mat-debug-<pid>.log` in the temporary
 * folder on every run, and its library carries code to upload events over HTTPS. The library reads
 * `ORT_DISABLE_TELEMETRY` at that moment, so setting it before any session is enough (worker threads
 * have their own copy of process.env: sessions are made on the main thread only).
 */
process.env.ORT_DISABLE_TELEMETRY = '1'

export { InferenceSession, Tensor } from 'onnxruntime-node'
