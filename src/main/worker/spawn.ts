import { Worker, type WorkerOptions } from 'node:worker_threads'

/** The workers Digit Lab runs; each is a TypeScript entry here and a built file beside the main bundle. */
export type WorkerName = 'training-worker'

/**
 * Start a worker thread. From the sources (CLI, tests) the TypeScript entry is loaded through
 * tsx; in the built app the bundler emits `<name>.js` next to the main bundle (see
 * electron.vite.config.ts), which is loaded directly.
 */
export function spawnWorker(name: WorkerName, options: WorkerOptions = {}): Worker {
  const here = import.meta.url
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here), options)
  const entry = new URL(`./${name}.ts`, here).href
  const tsx = import.meta.resolve('tsx/esm/api')
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(bootstrap, { ...options, eval: true })
}
