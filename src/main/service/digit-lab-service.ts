import type { ResourceLimits } from 'node:worker_threads'
import type { ApiArgs, ApiHandlers, ApiReplies, AppEvent } from '../../shared/api'
import type { RunTask, TrainingConfig, TrainingEvent } from '../../shared/training'
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
import type { InterpretationView } from '../../shared/interpretation'

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

/** The share of validation images on the diagonal of the confusion matrix. */
function accuracyOf(view: InterpretationView | null): number | null {
  if (!view) return null
  const total = view.confusion.flat().reduce((a, b) => a + b, 0)
  return total === 0 ? null : view.confusion.reduce((sum, row, i) => sum + row[i], 0) / total
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
  /** Where the last run's model is wrong; it may still be computing (the worker's last pass). */
  private lastInterpretation: Promise<InterpretationView | null> = Promise.resolve(null)
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

  async imagesAt(...[request]: ApiArgs<'imagesAt'>): Promise<ApiReplies['imagesAt']> {
    return this.requireDataset().imagesAt(request.split, request.indices)
  }

  async currentDataset(): Promise<ApiReplies['currentDataset']> {
    return this.open?.view ?? null
  }

  async startTraining(...[config]: ApiArgs<'startTraining'>): Promise<ApiReplies['startTraining']> {
    return { runId: this.launch(config, 'train').runId }
  }

  /** The learning-rate finder on the open dataset and this config; Stop ends the sweep early. */
  async lrFind(...[config]: ApiArgs<'lrFind'>): Promise<ApiReplies['lrFind']> {
    if (config.model.kind === 'pixel') throw new Error('pixel similarity learns no weights, so it has no learning rate to find')
    const outcome = await this.launch(config, 'lr-find').outcome
    if (!outcome.lrFind) throw new Error(outcome.message)
    return outcome.lrFind
  }

  async interpretation(): Promise<ApiReplies['interpretation']> {
    return this.lastInterpretation
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

  async labBroadcast(...[request]: ApiArgs<'labBroadcast'>): Promise<ApiReplies['labBroadcast']> {
    return this.requireLab().broadcast(request.label)
  }

  async labSgd(...[request]: ApiArgs<'labSgd'>): Promise<ApiReplies['labSgd']> {
    return this.requireLab().sgd(request)
  }

  async labDerivative(...[request]: ApiArgs<'labDerivative'>): Promise<ApiReplies['labDerivative']> {
    return this.requireLab().derivative(request)
  }

  async labGraph(...[request]: ApiArgs<'labGraph'>): Promise<ApiReplies['labGraph']> {
    return this.requireLab().graph(request)
  }

  async labStep(...[request]: ApiArgs<'labStep'>): Promise<ApiReplies['labStep']> {
    return this.requireLab().step(request)
  }

  async labResetModel(...[request]: ApiArgs<'labResetModel'>): Promise<ApiReplies['labResetModel']> {
    return this.requireLab().resetModel(request.model)
  }

  async labNudge(...[request]: ApiArgs<'labNudge'>): Promise<ApiReplies['labNudge']> {
    return this.requireLab().nudge(request)
  }

  async labWeights(...[request]: ApiArgs<'labWeights'>): Promise<ApiReplies['labWeights']> {
    return this.requireLab().weights(request.model)
  }

  async labSaliency(...[request]: ApiArgs<'labSaliency'>): Promise<ApiReplies['labSaliency']> {
    return this.requireLab().saliency(request)
  }

  async labTrain(...[request]: ApiArgs<'labTrain'>): Promise<ApiReplies['labTrain']> {
    return this.requireLab().ladder.start(request)
  }

  async labStopTraining(): Promise<ApiReplies['labStopTraining']> {
    return this.requireLab().ladder.stop()
  }

  async labLadder(): Promise<ApiReplies['labLadder']> {
    return this.requireLab().ladder.view
  }

  /** Let go of onnxruntime's session (on quit, and in tests). */
  async close(): Promise<void> {
    this.run?.stop()
    this.lab?.close()
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
    this.lab?.close()
    this.lab = new LabSession(this.open, {
      emit: (ladder) => this.options.emit({ kind: 'lab', event: { kind: 'ladder', ladder } }),
      memoryBudget: this.options.memoryBudget ?? defaultMemoryBudget(),
      workerLimits: this.options.workerLimits ?? TRAINING_WORKER_LIMITS,
    })
    return this.open.view
  }

  /**
   * Start a worker on the open dataset — after checking the config and the memory it would need,
   * so a refusal comes with its reason before any thread starts. Its events go to the renderer
   * tagged with the run; `finished` waits until a trained model is ready for Draw and Export.
   */
  private launch(config: TrainingConfig, task: RunTask): { runId: number; outcome: Promise<RunOutcome> } {
    if (this.run) throw new Error('a training run is in progress; stop it before starting another')
    const { dataset } = this.requireDataset()
    validateConfig(config, dataset)
    checkMemoryBudget(estimateTrainingMemory(dataset, config), this.options.memoryBudget ?? defaultMemoryBudget())
    const runId = ++this.runCount
    const emit = (event: TrainingEvent): void => this.options.emit({ kind: 'training', runId, event })
    const run = new TrainingRun(dataset, config, (event) => event.kind !== 'finished' && emit(event), this.options.workerLimits ?? TRAINING_WORKER_LIMITS, task)
    this.run = run
    const outcome = run.outcome.then((result) => {
      if (task === 'train') {
        this.lastOutcome = result
        this.lastInterpretation = run.interpretation
      }
      this.run = null
      emit({ kind: 'finished', status: result.status, epochsDone: result.epochsDone, message: result.message, validation: result.validation })
      // Draw and Export get the model once it is ready (a `model` event), after the run has been reported.
      if (result.state) void this.adoptModel(config, result, run.interpretation)
      return result
    })
    return { runId, outcome }
  }

  /**
   * Rebuild the run's model in main and hand it to Draw and Export, with its accuracy (the last
   * epoch's, or else the interpretation's); a model that cannot be prepared is reported as none.
   */
  private async adoptModel(config: TrainingConfig, outcome: RunOutcome, interpretation: Promise<InterpretationView | null>): Promise<void> {
    const open = this.requireDataset()
    try {
      const recorded = outcome.validation ? (Object.values(outcome.validation.metrics)[0] ?? null) : null
      const accuracy = recorded ?? accuracyOf(await interpretation)
      const trained = TrainedModel.fromState(config, open.dataset, open.view.source, outcome.state!, outcome.epochsDone, accuracy)
      this.options.emit({ kind: 'model', model: await this.model.useTrained(trained) })
    } catch (error) {
      this.options.emit({ kind: 'model', model: null, problem: `the model could not be prepared for drawing and export: ${error instanceof Error ? error.message : String(error)}` })
    }
  }

  private requireDataset(): OpenDataset {
    if (!this.open) throw new Error('no dataset is open: open a sample or a folder first')
    return this.open
  }

  private requireLab(): LabSession {
    if (!this.lab) throw new Error('no dataset is open: open a sample or a folder first')
    return this.lab
  }
}
