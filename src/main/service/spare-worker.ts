import type { ResourceLimits, Worker } from 'node:worker_threads'
import type { FromWorker } from '../worker/protocol'
import { endWorker } from '../worker/exit'
import { spawnWorker } from '../worker/spawn'

/**
 * One training worker started before the run that will use it: the thread loads the engine and compiles its
 * kernels while the person is still choosing settings, so Train starts on a
 * warm worker instead of waiting for that (about a second under `npm run serve`, where a new worker loads tsx
 * too). A spare keeps no process alive, and one that dies idle is replaced by a fresh worker when taken.
 */
export class SpareWorker {
  #spare: Worker | null = null
  #ready: Promise<void> = Promise.resolve()
  #closed = false

  constructor(private readonly limits: ResourceLimits) {}

  /** Start a spare now, unless there is one (or the service has closed). */
  warm(): void {
    if (this.#spare || this.#closed) return
    const worker = spawnWorker('training-worker', { resourceLimits: this.limits })
    const forget = (): void => {
      if (this.#spare === worker) this.#spare = null
    }
    worker.once('error', forget)
    worker.once('exit', forget)
    worker.unref()
    this.#spare = worker
    this.#ready = new Promise((resolve) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'ready') (worker.off('message', onMessage), resolve())
      }
      worker.on('message', onMessage)
      worker.once('exit', () => resolve())
    })
  }

  /** Resolves once the spare is warm (or gone); at once when there is none. */
  ready(): Promise<void> {
    return this.#spare ? this.#ready : Promise.resolve()
  }

  /** The spare, or a new worker when there is none: the caller owns it from now on (and terminates it). */
  take(): Worker {
    const worker = this.#spare ?? spawnWorker('training-worker', { resourceLimits: this.limits })
    this.#spare = null
    worker.ref()
    return worker
  }

  /** End the spare; no other starts. */
  close(): void {
    this.#closed = true
    if (this.#spare) void endWorker(this.#spare)
    this.#spare = null
  }
}
