/**
 * onnxruntime's telemetry off, for this process.
 *
 * NOTE: onnxruntime-node 1.30 on Linux starts Microsoft's 1DS telemetry when it creates its environment (at the
 * first session): it leaves an empty `mat-debug-<pid>.log` (and a `.ses` file) in the temporary folder on every
 * run, and its library carries code to upload events over HTTPS. The library reads `ORT_DISABLE_TELEMETRY` from
 * the process's real environment at that moment, which only the main thread's process.env writes to (a worker
 * thread's is its own copy): so the main thread sets it before any session and before any worker starts — every
 * use of onnxruntime (onnx/runtime.ts) and every worker spawn (worker/spawn.ts) imports this first. The test run's
 * leftover check (test/helpers/temp-leftovers.ts) fails on any file a session left.
 */
process.env.ORT_DISABLE_TELEMETRY = '1'
