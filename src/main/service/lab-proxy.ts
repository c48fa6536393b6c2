import type { ResourceLimits } from 'node:worker_threads'
import type { LabApiName } from '../../shared/lab-channels'
import type { LabArgs, LabEvent, LabReplies } from '../../shared/lab'
import type { ImportProgress, ImportResult } from '../datasets'
import type { ApiArgs } from '../../shared/api'
import type { DigitDataset } from '../engine/data/dataset'
import { CallClient, type CallArgs, type CallReply } from '../worker/calls'
import { spawnWorker } from '../worker/spawn'
import type { LabOpenOptions, LabWorkerCalls, LabWorkerEvent } from './lab/lab-calls'
import type { TrainViewRun } from './lab/ladder'
import type { DatasetDescription, ImportedData } from './open-dataset'
import { shareDataset } from './shared-dataset'

const CLOSED = 'the app is closing: the Lab stopped'

export interface LabProxyOptions extends LabOpenOptions {
  /** Tell the renderer what the Lab reports unasked (the ladder, the baseline's progress). */
  readonly emit: (event: LabEvent) => void
  /** The Lab worker's own JavaScript heap limits. */
  readonly limits: ResourceLimits
}

/**
 * Main's side of the Lab: the same typed calls as the Lab's api, each forwarded by name to the Lab's worker
 * thread (worker/lab-worker.ts), where the panels compute; main only passes messages. The worker starts on first
 * use and holds one session, on the dataset opened last (its pixels shared, not copied). A worker that dies refuses
 * the calls it had and the next call starts a new one on the same dataset, its models from the seed again.
 */
export class LabProxy {
  #client: CallClient<LabWorkerCalls> | null = null
  #opened: { dataset: DigitDataset; sources: ImportResult['sources'] } | null = null
  #closed = false
  /** The imports in progress, by the number their progress events carry. */
  readonly #imports = new Map<number, (progress: ImportProgress) => void>()
  #importCount = 0

  constructor(private readonly options: LabProxyOptions) {}

  /** A built-in imported (its corrections from `dataFolder`) and described in the Lab's worker: MNIST takes seconds. */
  async importBuiltin(name: string, settings: ApiArgs<'openFolder'>[1], dataFolder: string | undefined, onProgress: (progress: ImportProgress) => void): Promise<{ data: ImportedData; description: DatasetDescription }> {
    const id = ++this.#importCount
    this.#imports.set(id, onProgress)
    try {
      return await this.#call('importBuiltin', name, settings, dataFolder, id)
    } finally {
      this.#imports.delete(id)
    }
  }

  /** A dataset's summary and health, computed in the Lab's worker (most of a second on MNIST). */
  describe(dataset: DigitDataset, sources: ImportResult['sources'], nearSearch: boolean): Promise<DatasetDescription> {
    return this.#call('describe', shareDataset(dataset), sources, nearSearch)
  }

  /** Make the Lab's session one on this dataset (the last one's ladder stops). */
  open(dataset: DigitDataset, sources: ImportResult['sources']): void {
    this.#opened = { dataset: shareDataset(dataset), sources }
    if (!this.#closed) this.#openIn(this.#worker())
  }

  /** Call a Lab api function on the open dataset's session. */
  call<K extends LabApiName>(name: K, ...args: LabArgs<K>): Promise<LabReplies[K]> {
    return this.#call(name, ...(args as never)) as Promise<LabReplies[K]>
  }

  /** Show a Train view run on the open dataset in the ladder. */
  adoptRun(run: TrainViewRun): void {
    void this.#call('adoptRun', run).catch(() => undefined)
  }

  /** The thread that computed the Lab's last reply (never main's). */
  get lastThreadId(): number | null {
    return this.#client?.lastThreadId ?? null
  }

  /** End the Lab's worker — its ladder's runs with it — and refuse what waits; resolves once the thread is gone. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#client?.close(CLOSED)
  }

  #call<K extends keyof LabWorkerCalls & string>(name: K, ...args: CallArgs<LabWorkerCalls, K>): Promise<CallReply<LabWorkerCalls, K>> {
    if (this.#closed) return Promise.reject(new Error(CLOSED))
    return this.#worker().call(name, ...args)
  }

  #worker(): CallClient<LabWorkerCalls> {
    if (this.#client && !this.#client.gone) return this.#client
    const worker = spawnWorker('lab-worker', { resourceLimits: this.options.limits })
    const client = new CallClient<LabWorkerCalls>(worker, "the Lab's worker", (message) => {
      const heard = message as LabWorkerEvent
      if (heard.type === 'lab-event') this.options.emit(heard.event)
      else if (heard.type === 'import-progress') this.#imports.get(heard.id)?.(heard.progress)
    })
    this.#client = client
    if (this.#opened) this.#openIn(client)
    return client
  }

  #openIn(client: CallClient<LabWorkerCalls>): void {
    const { dataset, sources } = this.#opened!
    const { memoryBudget, workerLimits } = this.options
    void client.call('open', dataset, sources, { memoryBudget, workerLimits }).catch(() => undefined)
  }
}
