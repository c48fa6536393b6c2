// Over 300 lines: it is the one ApiHandlers implementation (about 60 thin methods); the work is in the sessions it delegates to.
import { existsSync } from 'node:fs'
import { basename, isAbsolute } from 'node:path'
import type { ResourceLimits } from 'node:worker_threads'
import type { ApiArgs, ApiHandlers, ApiReplies, AppEvent } from '../../shared/api'
import { runInProgress, type RunTask, type TrainingConfig, type TrainingEvent } from '../../shared/training'
import type { Correction } from '../../shared/corrections'
import type { DatasetView } from '../../shared/datasets'
import { DEFAULT_SEED, DEFAULT_VALID_PERCENT, importDataset, isBuiltinDataset, type ImportProgress } from '../datasets'
import { imageDigest, withCorrection, withoutCorrection, writeCorrections } from '../datasets/corrections'
import { estimateTrainingMemory } from '../engine/learner/memory'
import { planTraining } from '../engine/learner/plan'
import type { StartWeights } from '../engine/pretrained/transfer'
import { projectStart } from '../storage/project-start'
import { judgeRun } from '../../shared/training-plan'
import type { DigitDataset } from '../engine/data/dataset'
import { validateConfig } from '../engine/learner/recipe'
import { exportPytorchProject } from '../pytorch/export-project'
import type { LearnerSnapshot } from '../storage/learner-snapshot'
import type { ProjectManifest } from '../storage/project-manifest'
import { engineStatus } from './engine-status'
import { readDrawings } from '../datasets/drawings'
import { datasetFingerprint } from '../storage/project'
import { handwritingConfig, handwritingDataset, handwritingStart } from './handwriting'
import { augmentPreview } from './augment-preview'
import { RunBook } from './run-book'
import type { TrainViewRun } from './lab/ladder'
import { LabProxy } from './lab-proxy'
import { checkMemoryBudget, defaultMemoryBudget } from './memory-budget'
import { importedData, OpenDataset } from './open-dataset'
import { DrawingCollection } from './drawing-collection'
import { throttle } from './throttle'
import { ModelSession } from './model-session'
import { imagelessDataset, ProjectSession } from './project-session'
import { TrainedModel } from './trained-model'
import { SpareWorker } from './spare-worker'
import { TRAINING_WORKER_LIMITS, TrainingRun, type RunOutcome } from './training-run'
import type { ModelView, PathPurpose } from '../../shared/inference'
import type { InterpretationView } from '../../shared/interpretation'
import { errorMessage } from '../../shared/error-message'
import type { UploadKind } from '../../shared/browser-protocol'

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
  /** Digit Lab's own data folder: corrections of built-in datasets, read-only folders and uploaded copies. */
  readonly dataFolder?: string
  /** True for a folder that is a copy the browser uploaded (its corrections are kept in the data folder). */
  readonly isUploadedCopy?: (folder: string) => boolean
  /** Show a folder in the system's file manager (Electron's shell): '' when shown, else why not. Browser mode has none. */
  readonly showFolder?: (path: string) => Promise<string>
}


/** Paths chosen in a save dialog, which `writeOnlyPickedPaths` lets the service write. */
const SAVE_PURPOSES: readonly PathPurpose[] = ['export-onnx', 'save-project', 'export-pytorch']

/** A Train view run as the Lab's ladder shows it. */
function trainViewRun(config: TrainingConfig, result: RunOutcome, seconds: number): TrainViewRun {
  const accuracy = result.validation ? (Object.values(result.validation.metrics)[0] ?? null) : null
  return { config, status: result.status, epochsDone: result.epochsDone, accuracy, seconds, state: result.state }
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
  /** The Lab's panels on the open dataset, computed in the Lab's worker; its dataset's summary and health too. */
  private readonly lab: LabProxy
  private run: TrainingRun | null = null
  private runCount = 0
  private lastOutcome: RunOutcome | null = null
  /**
   * Where the last run's model is wrong (it may still be computing: the worker's last pass), with the
   * dataset it was trained on: opening another one lets it go, so its positions never meet other images.
   */
  private lastInterpretation: { readonly open: OpenDataset; readonly view: Promise<InterpretationView | null> } | null = null
  private readonly model = new ModelSession()
  /** Makes the model in use before the last handwriting fine-tune the one in use again. */
  private undoHandwritingModel: (() => Promise<ModelView | null>) | null = null
  /** Paths the user chose in a save dialog: the only ones written to when `writeOnlyPickedPaths`. */
  private readonly pickedForWriting = new Set<string>()
  /** The project Save writes and "Continue training" trains on: the last run's, or one opened. */
  private readonly projects = new ProjectSession(() => this.open, (project) => this.options.emit({ kind: 'project', project }))
  /** The next run's worker, started while a dataset is open and nothing trains. */
  private readonly spare: SpareWorker

  /** Every run kept to compare, saved with the project of their data. */
  private readonly runBook = new RunBook((runs) => this.options.emit({ kind: 'runs', runs }))

  /** Drawings kept as data, in the personal dataset or the open folder. */
  private readonly drawings: DrawingCollection

  constructor(private readonly options: ServiceOptions) {
    this.spare = new SpareWorker(options.workerLimits ?? TRAINING_WORKER_LIMITS)
    const openFolder = () => (this.open ? { name: this.open.view.name, source: this.open.view.source, layout: this.open.view.layout, root: this.open.root } : null)
    this.drawings = new DrawingCollection(openFolder, { dataFolder: options.dataFolder, isUploadedCopy: options.isUploadedCopy })
    this.lab = new LabProxy({
      emit: (event) => this.options.emit({ kind: 'lab', event }),
      memoryBudget: options.memoryBudget ?? defaultMemoryBudget(),
      workerLimits: options.workerLimits ?? TRAINING_WORKER_LIMITS,
      limits: TRAINING_WORKER_LIMITS,
    })
  }

  /** Keep a drawing as a PNG in `<label>/` of the personal dataset or the open folder. */
  async saveDrawing(...[request]: ApiArgs<'saveDrawing'>): Promise<ApiReplies['saveDrawing']> {
    return this.drawings.save(request)
  }

  async collection(...[{ target }]: ApiArgs<'collection'>): Promise<ApiReplies['collection']> {
    return this.drawings.view(target)
  }

  async undoDrawing(...[{ target, file }]: ApiArgs<'undoDrawing'>): Promise<ApiReplies['undoDrawing']> {
    return this.drawings.undo(target, file)
  }

  /** The collection's folder opened as the dataset (the open folder again with its settings, so new drawings come in). */
  async openCollection(...[{ target }]: ApiArgs<'openCollection'>): Promise<ApiReplies['openCollection']> {
    const place = await this.drawings.place(target)
    if (place.folder === null) throw new Error(place.problem ?? 'there is no folder to open')
    return this.openSource(place.folder, target === 'open' && this.open ? this.open.settings : {})
  }

  async showCollection(...[{ target }]: ApiArgs<'showCollection'>): Promise<ApiReplies['showCollection']> {
    const { folder, problem } = await this.drawings.place(target)
    if (!folder) return problem
    if (!this.options.showFolder) return `a browser cannot open folders on this computer: the drawings are in ${folder}`
    if (!existsSync(folder)) return `${folder} does not exist yet: it is made when the first drawing is saved`
    return (await this.options.showFolder(folder)) || null
  }

  async runs(): Promise<ApiReplies['runs']> {
    return this.runBook.all
  }

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
    // A run's interpretation names positions in the dataset it ran on, which a correction since has replaced.
    const last = this.lastInterpretation?.open
    const ran = last && last !== this.open && last.view.id === request.dataset && last.view.lineage === this.open?.view.lineage
    return (ran ? last : this.requireDataset()).imagesAt(request.split, request.indices, request.dataset)
  }

  async currentDataset(): Promise<ApiReplies['currentDataset']> {
    return this.open?.view ?? null
  }

  /** Relabel an image of the open dataset or leave it out: kept in its corrections file, then the dataset imported again. */
  async correctImage(...[{ correction }]: ApiArgs<'correctImage'>): Promise<ApiReplies['correctImage']> {
    return this.correctImages({ corrections: [correction] })
  }

  /** Several corrections at once, checked all before any is kept, then one import. */
  async correctImages(...[{ corrections }]: ApiArgs<'correctImages'>): Promise<ApiReplies['correctImages']> {
    const open = this.requireCorrectable()
    for (const correction of corrections) {
      if (!open.holds(correction.file)) throw new Error(`${correction.file} is not an image of ${open.view.name} as it is open now: nothing was corrected`)
      if (correction.action === 'relabel' && !open.dataset.labelNames.includes(correction.label)) {
        throw new Error(`${open.view.name} has no class “${correction.label}”: relabel as one of ${open.dataset.labelNames.join(', ')}`)
      }
    }
    // Each correction names its image's bytes too, so it never applies to another image of the same name.
    const digested = await Promise.all(corrections.map(async ({ sha256: _, ...correction }) => {
      const digest = open.view.layout === 'builtin' ? null : await imageDigest({ root: open.root }, correction.file)
      return digest ? { ...correction, sha256: digest } : correction
    }))
    return this.recorrect(open, digested.reduce((kept, correction) => withCorrection(kept, correction), [...open.view.corrections!.entries]))
  }

  /** Import the open dataset again with other settings: a new opening (positions change), corrections still applied. */
  async reimportDataset(...[settings]: ApiArgs<'reimportDataset'>): Promise<ApiReplies['reimportDataset']> {
    if (this.run) throw new Error(runInProgress('opening another dataset'))
    const open = this.requireDataset()
    this.useDataset(await this.importSource(open.reference.source, { ...open.settings, ...settings }))
    return this.open!.view
  }

  async augmentPreview(...[{ count, seed }]: ApiArgs<'augmentPreview'>): Promise<ApiReplies['augmentPreview']> {
    return augmentPreview(this.requireDataset(), count, seed)
  }

  /** Take back the correction of one image, then import the dataset again. */
  async undoCorrection(...[{ file }]: ApiArgs<'undoCorrection'>): Promise<ApiReplies['undoCorrection']> {
    const open = this.requireCorrectable()
    return this.recorrect(open, withoutCorrection(open.view.corrections!.entries, file))
  }

  async startTraining(...[config]: ApiArgs<'startTraining'>): Promise<ApiReplies['startTraining']> {
    return { runId: this.launch(config, 'train', undefined, '', await this.projectStartOf(config)).runId }
  }

  /** The run the app would train on the open dataset from this start, said before Train is pressed. */
  async planTraining(...[request]: ApiArgs<'planTraining'>): Promise<ApiReplies['planTraining']> {
    const { dataset } = this.requireDataset()
    const project = request.start.kind === 'project' ? await projectStart(request.start.path) : undefined
    return planTraining(dataset, { choice: request.start, project, threads: request.threads })
  }

  /** A project start's weights, read in main and sent with the run (a built-in start the worker reads itself). */
  private async projectStartOf(config: TrainingConfig): Promise<StartWeights | undefined> {
    return config.start?.kind === 'project' ? projectStart(config.start.path) : undefined
  }

  /** The learning-rate finder on the open dataset and this config; Stop ends the sweep early. */
  async lrFind(...[config]: ApiArgs<'lrFind'>): Promise<ApiReplies['lrFind']> {
    if (config.model.kind === 'pixel') throw new Error('pixel similarity learns no weights, so it has no learning rate to find')
    const outcome = await this.launch(config, 'lr-find', undefined, '', await this.projectStartOf(config)).outcome
    if (!outcome.lrFind) throw new Error(outcome.message)
    return outcome.lrFind
  }

  /** The last run's interpretation, on the open dataset or one it corrects (whose positions it keeps serving). */
  async interpretation(): Promise<ApiReplies['interpretation']> {
    const last = this.lastInterpretation
    return last && this.open && last.open.view.lineage === this.open.view.lineage ? last.view : null
  }

  /**
   * Why a dataset folder or a project cannot be uploaded now — the message opening it would give while a run (or a
   * learning-rate sweep) goes on — or null; a model may always be.
   */
  uploadRefusal(kind: UploadKind): string | null {
    if (!this.run || kind === 'model') return null
    return runInProgress(kind === 'project' ? 'opening a project' : 'opening another dataset')
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
    this.checkWritable(request.path, 'choose where to save the model with the Export dialog')
    return this.model.export(request)
  }

  async pickPath(...[purpose]: ApiArgs<'pickPath'>): Promise<ApiReplies['pickPath']> {
    const path = this.options.pickPath ? await this.options.pickPath(purpose) : null
    if (path && SAVE_PURPOSES.includes(purpose)) this.pickedForWriting.add(path)
    return path
  }

  async saveProject(...[request]: ApiArgs<'saveProject'>): Promise<ApiReplies['saveProject']> {
    this.checkWritable(request.path, 'choose where to save the project with the Save dialog')
    return this.projects.save(request.path, this.runBook.on(this.projects.dataset?.source))
  }

  /** Open a project: its history for Train, and — when its data is open or opens again — its model and "Continue training". */
  async openProject(...[path]: ApiArgs<'openProject'>): Promise<ApiReplies['openProject']> {
    if (this.run) throw new Error(runInProgress('opening a project'))
    const { project, data } = await this.projects.open(path, (manifest) => this.projectData(manifest))
    this.runBook.adopt(project.manifest.runs ?? [])
    const recorded = project.history.epochs.at(-1)
    const accuracy = recorded ? (Object.values(recorded.metrics)[0] ?? null) : null
    // Without its data the model still draws: it is rebuilt on the data's shape, and Export waits for the images.
    const [dataset, source] = data ? [data.dataset, data.view.source] : [imagelessDataset(project.manifest.dataset), project.manifest.dataset.source]
    const model = await this.adoptModel(project.config, dataset, source, project.modelState, project.training.epochsDone, async () => accuracy)
    // The Lab's Learned and Graph open on the project's model too, when its data is the one open.
    if (data && this.open === data) {
      const seconds = project.history.epochs.reduce((sum, epoch) => sum + epoch.seconds, 0)
      this.lab.adoptRun({ config: project.config, status: 'completed', epochsDone: project.training.epochsDone, accuracy, seconds, state: project.modelState, project: basename(path) })
    }
    return { project: this.projects.view!, history: this.projects.history!, dataset: this.open?.view ?? null, model }
  }

  async currentProject(): Promise<ApiReplies['currentProject']> {
    const project = this.projects.view
    return project ? { project, history: this.projects.history! } : null
  }

  async continueTraining(...[request]: ApiArgs<'continueTraining'>): Promise<ApiReplies['continueTraining']> {
    if (this.run) throw new Error(runInProgress('starting another'))
    const { snapshot, config } = this.projects.continuation(request.epochs)
    const where = this.projects.view?.path ? basename(this.projects.view.path) : 'the last run'
    return { runId: this.launch(config, 'train', snapshot, `continued from epoch ${snapshot.training.epochsDone} of ${where}`).runId }
  }

  /** The project held, written as a PyTorch project in a new or empty folder (its data must be open). */
  async exportPytorch(...[request]: ApiArgs<'exportPytorch'>): Promise<ApiReplies['exportPytorch']> {
    this.checkWritable(request.path, 'choose the folder with the Export dialog')
    if (!isAbsolute(request.path)) throw new Error(`"${request.path}" is not a full path: type the whole path of a new or empty folder (such as /home/me/digits-pytorch)`)
    const { snapshot, data } = this.projects.exportable()
    const result = await exportPytorchProject(request.path, { snapshot, dataset: data.dataset, source: data.reference.source })
    const { images, maxLogitDelta, tolerance } = result.onnxParity
    return { dir: result.dir, images: result.images, referenceImages: result.referenceImages, parity: { images, maxLogitDelta, tolerance } }
  }

  /** The drawings a collected folder holds, counted per digit. */
  async handwritingDrawings(...[folder]: ApiArgs<'handwritingDrawings'>): Promise<ApiReplies['handwritingDrawings']> {
    const { perDigit, count, skipped } = await readDrawings(folder)
    return { folder, perDigit, count, skipped }
  }

  /**
   * "Fine-tune on my handwriting": the model in use (else the MNIST CNN) fine-tuned in the training worker on the
   * drawings of `folder`, rehearsing MNIST; the run is kept, and its model becomes the one in use only when it completes.
   */
  async fineTuneHandwriting(...[{ folder }]: ApiArgs<'fineTuneHandwriting'>): Promise<ApiReplies['fineTuneHandwriting']> {
    if (this.run) throw new Error(runInProgress('starting another'))
    const drawings = await readDrawings(folder)
    const start = handwritingStart(this.model.trainedModel, this.model.view?.origin === 'file')
    const dataset = handwritingDataset(drawings)
    const config = handwritingConfig(start, dataset.train.count)
    if (this.run) throw new Error(runInProgress('starting another'))
    const runId = ++this.runCount
    const data = { source: folder, name: `my handwriting (${basename(folder)})`, fingerprint: datasetFingerprint(dataset) }
    const recorder = this.runBook.record(data, config, null)
    const emit = (event: TrainingEvent): void => {
      recorder.hear(event)
      this.options.emit({ kind: 'training', runId, event })
    }
    const run = new TrainingRun(dataset, config, (event) => event.kind !== 'finished' && emit(event), this.spare.take(), 'train', undefined, start.weights, 'mnist-test')
    this.run = run
    void run.outcome.then(async (result) => {
      this.run = null
      this.spare.warm()
      recorder.finish(result.status, result.validation)
      if (result.status === 'completed' && result.state) {
        this.undoHandwritingModel = this.model.remember()
        await this.adoptModel(config, dataset, folder, result.state, result.epochsDone, async () => result.validation?.metrics.accuracy ?? null, true)
      }
      emit({ kind: 'finished', status: result.status, epochsDone: result.epochsDone, message: result.message, validation: result.validation, before: result.before, reference: result.reference })
    })
    return { runId, folder, perDigit: drawings.perDigit, count: drawings.count, skipped: drawings.skipped, startsFrom: start.weights.name, note: start.note }
  }

  /** Go back to the model in use before the last handwriting fine-tune. */
  async undoHandwriting(): Promise<ApiReplies['undoHandwriting']> {
    const restore = this.undoHandwritingModel
    if (!restore) throw new Error('no handwriting fine-tune to undo: the model in use is the one you had')
    if (this.run) throw new Error('a training run is in progress; stop it before going back to the previous model')
    this.undoHandwritingModel = null
    const model = await restore()
    this.options.emit({ kind: 'model', model })
    return model
  }

  async labPixels(...args: ApiArgs<'labPixels'>): Promise<ApiReplies['labPixels']> {
    return this.requireLab().call('labPixels', ...args)
  }

  async labBroadcast(...args: ApiArgs<'labBroadcast'>): Promise<ApiReplies['labBroadcast']> {
    return this.requireLab().call('labBroadcast', ...args)
  }

  async labSgd(...args: ApiArgs<'labSgd'>): Promise<ApiReplies['labSgd']> {
    return this.requireLab().call('labSgd', ...args)
  }

  async labDerivative(...args: ApiArgs<'labDerivative'>): Promise<ApiReplies['labDerivative']> {
    return this.requireLab().call('labDerivative', ...args)
  }

  async labGraph(...args: ApiArgs<'labGraph'>): Promise<ApiReplies['labGraph']> {
    return this.requireLab().call('labGraph', ...args)
  }

  async labStep(...args: ApiArgs<'labStep'>): Promise<ApiReplies['labStep']> {
    return this.requireLab().call('labStep', ...args)
  }

  async labResetModel(...args: ApiArgs<'labResetModel'>): Promise<ApiReplies['labResetModel']> {
    return this.requireLab().call('labResetModel', ...args)
  }

  async labNudge(...args: ApiArgs<'labNudge'>): Promise<ApiReplies['labNudge']> {
    return this.requireLab().call('labNudge', ...args)
  }

  async labWeights(...args: ApiArgs<'labWeights'>): Promise<ApiReplies['labWeights']> {
    return this.requireLab().call('labWeights', ...args)
  }

  async labSaliency(...args: ApiArgs<'labSaliency'>): Promise<ApiReplies['labSaliency']> {
    return this.requireLab().call('labSaliency', ...args)
  }

  async labTrain(...args: ApiArgs<'labTrain'>): Promise<ApiReplies['labTrain']> {
    return this.requireLab().call('labTrain', ...args)
  }

  async labStopTraining(): Promise<ApiReplies['labStopTraining']> {
    return this.requireLab().call('labStopTraining')
  }

  async labLadder(): Promise<ApiReplies['labLadder']> {
    return this.requireLab().call('labLadder')
  }

  /** The thread that computed the Lab's last reply: the Lab's worker's, never main's (the tests check it). */
  get labThreadId(): number | null {
    return this.lab.lastThreadId
  }

  /** Release everything for quitting: a run in progress and the Lab's ended, their workers gone (the spare too), onnxruntime's sessions released. */
  async close(): Promise<void> {
    this.spare.close()
    await Promise.all([this.run?.close(), this.lab.close(), this.model.close()])
  }

  /** Resolves once the next run's worker is warm (its engine loaded, its kernels compiled), as while a person picks settings. */
  workerReady(): Promise<void> {
    return this.spare.ready()
  }

  /** How the last finished run ended, and the weights it left. */
  get lastRunOutcome(): RunOutcome | null {
    return this.lastOutcome
  }

  private async openSource(source: string, settings: ApiArgs<'openFolder'>[1]): Promise<ApiReplies['openFolder']> {
    if (this.run) throw new Error(runInProgress('opening another dataset'))
    this.useDataset(await this.importSource(source, settings))
    return this.open!.view
  }

  /**
   * Import a built-in or a folder (with progress events), its corrections applied, without making it
   * the open dataset yet; `lineage`: the dataset it imports again with other corrections.
   */
  private async importSource(source: string, settings: ApiArgs<'openFolder'>[1], lineage?: number): Promise<OpenDataset> {
    const onProgress = throttle<ImportProgress>((progress) => this.options.emit({ kind: 'import', progress }), 20, (p) => p.done === p.total)
    const split = isBuiltinDataset(source) ? null : { seed: settings.seed ?? DEFAULT_SEED, validPercent: settings.validPercent ?? DEFAULT_VALID_PERCENT }
    // A built-in (MNIST: seconds of work) is imported and described in the Lab's worker; a folder's images are read
    // here (sharp decodes off the thread; which folders are uploaded copies only main knows), then described there.
    if (isBuiltinDataset(source)) {
      const { data, description } = await this.lab.importBuiltin(source, settings, this.options.dataFolder, onProgress)
      return new OpenDataset(data, description, { source: data.plan.source, split }, settings, lineage)
    }
    const corrections = { dataFolder: this.options.dataFolder, isCopy: this.options.isUploadedCopy }
    const data = importedData(await importDataset(source, { ...settings, onProgress, corrections }))
    const description = await this.lab.describe(data.dataset, data.sources, true)
    return new OpenDataset(data, description, { source: data.plan.source, split }, settings, lineage)
  }

  /** The open dataset, when its corrections can be changed now (no run, and a place to keep them). */
  private requireCorrectable(): OpenDataset {
    if (this.run) throw new Error(runInProgress('correcting the data'))
    const open = this.requireDataset()
    if (!open.view.corrections) throw new Error(`the corrections of ${open.view.name} have nowhere to be kept (no folder of Digit Lab's own data was given): nothing was changed`)
    return open
  }

  /** Keep these corrections for the open dataset and import it again with them (its interpretation stays). */
  private async recorrect(open: OpenDataset, corrections: Correction[]): Promise<DatasetView> {
    await writeCorrections(open.view.corrections!, corrections)
    this.useDataset(await this.importSource(open.reference.source, open.settings, open.view.lineage))
    return this.open!.view
  }

  /**
   * The data a project was trained on: the open dataset if it is the same, else its built-in or
   * folder opened again — or, when that folder is gone or holds other images now, why not.
   */
  private async projectData(manifest: ProjectManifest): Promise<{ data: OpenDataset | null; problem: string | null }> {
    const { source, split, fingerprint } = manifest.dataset
    if (this.open?.fingerprint === fingerprint) return { data: this.open, problem: null }
    const builtin = isBuiltinDataset(source)
    if (!builtin && !existsSync(source)) {
      return { data: null, problem: `the folder ${source} this project was trained on is gone; put it back and open the project again to continue training` }
    }
    let data: OpenDataset
    try {
      data = await this.importSource(source, split ?? {})
    } catch (error) {
      return { data: null, problem: `the data this project was trained on (${source}) could not be opened: ${errorMessage(error)}` }
    }
    if (data.fingerprint !== fingerprint) {
      return { data: null, problem: `${builtin ? 'the built-in' : 'the folder'} ${source} is not the data this project was trained on any more (its images or labels changed); continuing needs the original data` }
    }
    this.useDataset(data)
    return { data, problem: null }
  }

  /** Make `open` the open dataset, with a Lab session on it. */
  private useDataset(open: OpenDataset): void {
    if (this.lastInterpretation && this.lastInterpretation.open.view.lineage !== open.view.lineage) this.lastInterpretation = null
    this.open = open
    this.lab.open(open.dataset, open.images.sources)
    this.projects.refresh()
    this.spare.warm()
  }

  /** Refuse a path the user did not choose in a save dialog, where only those may be written. */
  private checkWritable(path: string | undefined, refusal: string): void {
    if (path && this.options.writeOnlyPickedPaths && !this.pickedForWriting.has(path)) throw new Error(refusal)
  }

  /**
   * Start a worker on the open dataset — after checking the config and the memory it would need,
   * so a refusal comes with its reason before any thread starts. Its events go to the renderer
   * tagged with the run; `finished` waits until a trained model is ready for Draw and Export.
   * With `resume`, the run continues that snapshot and what it leaves becomes the project.
   */
  private launch(config: TrainingConfig, task: RunTask, resume?: LearnerSnapshot, resumeName = '', start?: StartWeights): { runId: number; outcome: Promise<RunOutcome> } {
    if (this.run) throw new Error(runInProgress('starting another'))
    const open = this.requireDataset()
    const { dataset } = open
    validateConfig(config, dataset)
    checkMemoryBudget(estimateTrainingMemory(dataset, config), this.options.memoryBudget ?? defaultMemoryBudget())
    const runId = ++this.runCount
    const prior = resume ? { ...resume.history, startingPoint: resumeName } : null
    const recorder = task === 'train' ? this.runBook.record({ source: open.reference.source, name: open.view.name, fingerprint: open.fingerprint }, config, prior) : null
    const emit = (event: TrainingEvent): void => {
      recorder?.hear(event)
      this.options.emit({ kind: 'training', runId, event })
    }
    const run = new TrainingRun(dataset, config, (event) => event.kind !== 'finished' && emit(event), this.spare.take(), task, resume, start)
    this.run = run
    const started = performance.now()
    const outcome = run.outcome.then((result) => {
      if (task === 'train' && this.open === open) this.lab.adoptRun(trainViewRun(config, result, (performance.now() - started) / 1000))
      if (task === 'train') {
        this.lastOutcome = result
        this.lastInterpretation = { open, view: run.interpretation }
        if (result.snapshot) this.projects.adoptRun(result.snapshot, open, resume !== undefined)
      }
      this.run = null
      this.spare.warm()
      recorder?.finish(result.status, result.validation)
      const warnings = task === 'train' && result.status !== 'crashed' ? judgeRun(result.before, result.validation, result.snapshot?.history.epochs ?? []) : []
      emit({ kind: 'finished', status: result.status, epochsDone: result.epochsDone, message: result.message, validation: result.validation, before: result.before, warnings })
      // Draw and Export get the model once it is ready (a `model` event), after the run has been reported.
      if (result.state) {
        const recorded = result.validation ? (Object.values(result.validation.metrics)[0] ?? null) : null
        void this.adoptModel(config, open.dataset, open.view.source, result.state, result.epochsDone, async () => recorded ?? accuracyOf(await run.interpretation))
      }
      return result
    })
    return { runId, outcome }
  }

  /**
   * Rebuild a model in main from its weights and hand it to Draw and Export, with its accuracy (a
   * run's last epoch's, or else its interpretation's); a model that cannot be prepared is reported as none.
   */
  private async adoptModel(config: TrainingConfig, dataset: DigitDataset, source: string, state: Record<string, Float32Array>, epochs: number, accuracy: () => Promise<number | null>, centred = false): Promise<ModelView | null> {
    try {
      const trained = TrainedModel.fromState(config, dataset, source, state, epochs, await accuracy(), centred)
      const model = await this.model.useTrained(trained)
      this.options.emit({ kind: 'model', model })
      return model
    } catch (error) {
      this.options.emit({ kind: 'model', model: null, problem: `the model could not be prepared for drawing and export: ${errorMessage(error)}` })
      return null
    }
  }

  private requireDataset(): OpenDataset {
    if (!this.open) throw new Error('no dataset is open: open a sample or a folder first')
    return this.open
  }

  private requireLab(): LabProxy {
    this.requireDataset()
    return this.lab
  }
}
