import type { ResourceLimits } from 'node:worker_threads'
import type { ApiArgs, ApiHandlers, ApiReplies, AppEvent } from '../../shared/api'
import type { TrainingConfig, TrainingEvent } from '../../shared/training'
import { importDataset, type ImportProgress } from '../datasets'
import { estimateTrainingMemory } from '../engine/learner/memory'
import { validateConfig } from '../engine/learner/recipe'
import { engineStatus } from './engine-status'
import { LabSession } from './lab/lab-session'
import { checkMemoryBudget, defaultMemoryBudget } from './memory-budget'
import { OpenDataset } from './open-dataset'
import { throttle } from './throttle'
import { ModelSession } from './model-session'
import { TrainedModel } from './trained-model'
import { TRAINING_WORKER_LIMITS, TrainingRun, type RunOutcome } from './training-run'
import type { PathPurpose } from '../../shared/inference'

export interface ServiceOptions {
  readonly version: string
  /** Where events for the renderer go (the window, or the browser mode's sockets). */
  readonly emit: (event: AppEvent) => void
  /** Bytes a training run may plan to use (default: half of this computer's memory). */
  readonly memoryBudget?: number
  /** The training worker's heap limits (default: TRAINING_WORKER_LIMITS). */
  readonly workerLimits?: ResourceLimits
  /** Native file dialogs, where the shell has them (Electron); browser mode has none. */
  readonly pickPath?: (purpose: PathPurpose) => Promise<string | null>
  /**
   * Write only where the user chose in a native dialog (Electron): a page, even a compromised one,
   * cannot name a file to overwrite. Browser mode, where the user types paths, leaves it off.
   */
  readonly writeOnlyPickedPaths?: boolean
}

/**
 * Digit Lab as the renderer sees it, with no Electron in sight: the same object serves the
 * Electron window, the browser mode and the tests. It owns the open dataset, the training run
 * and what the last run left.
 */
export class DigitLabService implements ApiHandlers {
  private open: OpenDataset | null = null
  /** The Lab's panels on the open dataset. */
  private lab: LabSession | null = null
  private run: TrainingRun | null = null
  private runCount = 0
  private lastOutcome: RunOutcome | null = null
  private readonly model = new ModelSession()
  /** Paths the user chose in a save dialog: the only ones written to when `writeOnlyPickedPaths`. */
  private readonly pickedForWriting = new Set<string>()

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
    let accuracy: number | null = null
    // The finished event waits until the run's model is ready for Draw and Export.
    const forward = (event: TrainingEvent): void => {
      if (event.kind === 'epoch') accuracy = Object.values(event.record.metrics)[0] ?? null
      if (event.kind !== 'finished') emit(event)
    }
    const run = new TrainingRun(dataset, config, forward, this.options.workerLimits ?? TRAINING_WORKER_LIMITS)
    this.run = run
    void run.outcome.then(async (outcome) => {
      const adopted = outcome.state ? await this.adoptModel(config, outcome, accuracy) : null
      this.lastOutcome = outcome
      this.run = null
      const message = adopted ? `${outcome.message}; ${adopted}` : outcome.message
      emit({ kind: 'finished', status: outcome.status, epochsDone: outcome.epochsDone, message })
    })
    return { runId }
  }

  async stopTraining(): Promise<void> {
    this.run?.stop()
  }

  async currentModel(): Promise<ApiReplies['currentModel']> {
    return this.model.view
  }

  async openModel(...[path]: ApiArgs<'openModel'>): Promise<ApiReplies['openModel']> {
    const view = await this.model.openFile(path)
    this.options.emit({ kind: 'model', model: view })
    return view
  }

  async classify(...[pixels]: ApiArgs<'classify'>): Promise<ApiReplies['classify']> {
    return this.model.classify(new Uint8Array(Buffer.from(pixels, 'base64')))
  }

  async exportOnnx(...[request]: ApiArgs<'exportOnnx'>): Promise<ApiReplies['exportOnnx']> {
    if (request.path && this.options.writeOnlyPickedPaths && !this.pickedForWriting.has(request.path)) {
      throw new Error('choose where to save the model with the Export dialog')
    }
    return this.model.export(request)
  }

  async pickPath(...[purpose]: ApiArgs<'pickPath'>): Promise<ApiReplies['pickPath']> {
    const path = this.options.pickPath ? await this.options.pickPath(purpose) : null
    if (path && purpose === 'export-onnx') this.pickedForWriting.add(path)
    return path
  }

  async labPixels(...[image]: ApiArgs<'labPixels'>): Promise<ApiReplies['labPixels']> {
    return this.requireLab().pixels(image)
  }

  /** Let go of onnxruntime's session (on quit, and in tests). */
  async close(): Promise<void> {
    this.run?.stop()
    await this.model.close()
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
    this.lab = new LabSession(this.open)
    return this.open.view
  }

  /** Rebuild the run's model in main and hand it to Draw and Export; returns why, if that failed. */
  private async adoptModel(config: TrainingConfig, outcome: RunOutcome, accuracy: number | null): Promise<string | null> {
    const open = this.requireDataset()
    try {
      const trained = TrainedModel.fromState(config, open.dataset, open.view.source, outcome.state!, outcome.epochsDone, accuracy)
      this.options.emit({ kind: 'model', model: await this.model.useTrained(trained) })
      return null
    } catch (error) {
      return `the model could not be prepared for drawing and export: ${error instanceof Error ? error.message : String(error)}`
    }
  }

  private requireLab(): LabSession {
    this.requireDataset()
    return this.lab!
  }

  private requireDataset(): OpenDataset {
    if (!this.open) throw new Error('no dataset is open: open a sample or a folder first')
    return this.open
  }
}
