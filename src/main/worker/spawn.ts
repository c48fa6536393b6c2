import { Worker, type WorkerOptions } from 'node:worker_threads'
// A worker's native kernels start onnxruntime, which reads its telemetry switch from the main thread's environment.
import '../onnx/telemetry-off'

/** The workers Digit Lab runs; each is a TypeScript entry here and a built file beside the main bundle. */
export type WorkerName = 'training-worker' | 'lab-worker'

/**
 * Where a built worker file runs from: in a packaged app the main bundle sits inside `app.asar`, but the
 * worker (with the engine chunk it imports) is unpacked beside it into `app.asar.unpacked` (electron-builder.yml's
 * asarUnpack), so the worker thread loads plain files and never needs asar support of its own.
 */
export function unpackedUrl(url: URL): URL {
  return new URL(url.href.replace(/\/app\.asar\//, '/app.asar.unpacked/'))
}

/**
 * Start a worker thread. From the sources (CLI, tests) the TypeScript entry is loaded through
 * tsx; in the built app the bundler emits `<name>.js` next to the main bundle (see
 * electron.vite.config.ts), which is loaded directly.
 */
export function spawnWorker(name: WorkerName, options: WorkerOptions = {}): Worker {
  const here = import.meta.url
  if (!here.endsWith('.ts')) return new Worker(unpackedUrl(new URL(`./${name}.js`, here)), options)
  const entry = new URL(`./${name}.ts`, here).href
  const tsx = import.meta.resolve('tsx/esm/api')
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(bootstrap, { ...options, eval: true })
}
