import type { ResourceLimits } from 'node:worker_threads'
import type { ApiArgs, ApiHandlers, ApiReplies, AppEvent } from '../../shared/api'
import type { TrainingEvent } from '../../shared/training'
import { importDataset, type ImportProgress } from '../datasets'
import { estimateTrainingMemory } from '../engine/learner/memory'
import { validateConfig } from '../engine/learner/recipe'
import { engineStatus } from './engine-status'
import { checkMemoryBudget, defaultMemoryBudget } from './memory-budget'
import { OpenDataset } from './open-dataset'
import { throttle } from './throttle'
import { TRAINING_WORKER_LIMITS, TrainingRun, type RunOutcome } from './training-run'

export interface ServiceOptions {
  readonly version: string
  /** Where events for the renderer go (the window, or the browser mode's sockets). */
  readonly emit: (event: AppEvent) => void
  /** Bytes a training run may plan to use (default: half of this computer's memory). */
  readonly memoryBudget?: number
  /** The training worker's heap limits (default: TRAINING_WORKER_LIMITS). */
  readonly workerLimits?: ResourceLimits
}

/**
 * Digit Lab as the renderer sees it, with no Electron in sight: the same object serves the
 * Electron window, the browser mode and the tests. It owns the open dataset, the training run
 * and what the last run left.
 */
export class DigitLabService implements ApiHandlers {
  private open: OpenDataset | null = null
  private run: TrainingRun | null = null
  private runCount = 0
  private lastOutcome: RunOutcome | null = null

  constructor(private readonly options: ServiceOptions) {}

  async engineStatus(): Promise<ApiReplies['engineStatus']> {
    return engineStatus(this.options.version)
  }

  async openSample(...[name]: ApiArgs<'openSample'>): Promise<ApiReplies['openSample']> {
    return this.openSource(name, {})
  }

  async openFolder(...[path, settings]: ApiArgs<'openFolder'>): Promise<ApiReplies['openFolder']> {
    return this.openSource(path, settings)
  }

  async imagePage(...[request]: ApiArgs<'imagePage'>): Promise<ApiReplies['imagePage']> {
    return this.requireDataset().page(request)
  }

  async startTraining(...[config]: ApiArgs<'startTraining'>): Promise<ApiReplies['startTraining']> {
    if (this.run) throw new Error('a training run is in progress; stop it before starting another')
    const { dataset } = this.requireDataset()
    // Refused here, with the reason, before any worker starts: a config that cannot run, or a run that would not fit in memory.
    validateConfig(config, dataset)
    checkMemoryBudget(estimateTrainingMemory(dataset, config), this.options.memoryBudget ?? defaultMemoryBudget())
    const runId = ++this.runCount
    const emit = (event: TrainingEvent): void => this.options.emit({ kind: 'training', runId, event })
    const run = new TrainingRun(dataset, config, emit, this.options.workerLimits ?? TRAINING_WORKER_LIMITS)
    this.run = run
    void run.outcome.then((outcome) => {
      this.lastOutcome = outcome
      this.run = null
    })
    return { runId }
  }

  async stopTraining(): Promise<void> {
    this.run?.stop()
  }

  /** How the last finished run ended, and the weights it left. */
  get lastRunOutcome(): RunOutcome | null {
    return this.lastOutcome
  }

  private async openSource(source: string, settings: ApiArgs<'openFolder'>[1]): Promise<ApiReplies['openFolder']> {
    if (this.run) throw new Error('a training run is in progress; stop it before opening another dataset')
    const onProgress = throttle<ImportProgress>((progress) => this.options.emit({ kind: 'import', progress }), 20, (p) => p.done === p.total)
    const result = await importDataset(source, { ...settings, onProgress })
    this.open = new OpenDataset(result)
    return this.open.view
  }

  private requireDataset(): OpenDataset {
    if (!this.open) throw new Error('no dataset is open: open a sample or a folder first')
    return this.open
  }
}
