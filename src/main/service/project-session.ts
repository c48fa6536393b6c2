import { basename } from 'node:path'
import type { DigitDataset, ImageSplit } from '../engine/data/dataset'
import { encodeProject } from '../storage/project'
import type { LearnerSnapshot } from '../storage/learner-snapshot'
import type { ProjectManifest } from '../storage/project-manifest'
import { datasetEntry, openProject, saveSnapshot, snapshotProject, type OpenedProject } from '../storage/project-state'
import { PROJECT_EXTENSION, type ProjectHistoryView, type ProjectView, type SaveProjectReply } from '../../shared/projects'
import type { RunRecord } from '../../shared/runs'
import type { TrainingConfig } from '../../shared/training'
import type { OpenDataset } from './open-dataset'

/** The run a project holds: its snapshot, the entry of the data it trained on, and where it was saved. */
interface Held {
  readonly snapshot: LearnerSnapshot
  readonly dataset: ProjectManifest['dataset']
  readonly path: string | null
  /** Why its data could not be opened when the project was (gone, changed), or null. */
  readonly problem: string | null
}

const NO_IMAGES: ImageSplit = { pixels: new Uint8Array(0), labels: new Int32Array(0), count: 0 }

/**
 * A project's data as its manifest describes it when the images themselves cannot be opened: its
 * labels and image size, and no images — enough to rebuild the model to draw with, not to train or export it.
 */
export function imagelessDataset(entry: ProjectManifest['dataset']): DigitDataset {
  return { name: entry.name, labelNames: entry.labelNames, height: entry.height, width: entry.width, train: NO_IMAGES, valid: NO_IMAGES }
}

/** What continuing the project needs: its snapshot, the config of N more epochs, and its data. */
export interface Continuation {
  readonly snapshot: LearnerSnapshot
  readonly config: TrainingConfig
  readonly data: OpenDataset
}

/**
 * The project Digit Lab holds — the last training run, or a project file opened — which Save
 * writes and "Continue training" trains on from where it stopped. Saves run one at a time.
 */
export class ProjectSession {
  private held: Held | null = null
  private saving = false

  /** `currentData`: the dataset open now; `changed`: told whenever the held project changes. */
  constructor(
    private readonly currentData: () => OpenDataset | null,
    private readonly changed: (view: ProjectView | null) => void,
  ) {}

  get snapshot(): LearnerSnapshot | null {
    return this.held?.snapshot ?? null
  }

  /** The project as the app shows it; it can continue while its own data is the dataset open. */
  get view(): ProjectView | null {
    const held = this.held
    if (!held) return null
    const { config, training } = held.snapshot
    const pixel = config.model.kind === 'pixel'
    const continuable = !pixel && this.ownData() !== null
    const problem = pixel
      ? 'pixel similarity learns nothing by gradient descent: there is nothing to continue'
      : continuable ? null : (held.problem ?? `open its data (${held.dataset.source}) to continue training`)
    const { batchLosses, epochEnds } = held.snapshot.history
    return {
      path: held.path,
      config,
      epochsDone: training.epochsDone,
      batchesSinceEpoch: batchLosses.length - (epochEnds.at(-1) ?? 0),
      dataset: { name: held.dataset.name, source: held.dataset.source },
      continuable,
      problem,
    }
  }

  /** Its loss curve and epoch table, with the batch each epoch ended on. */
  get history(): ProjectHistoryView | null {
    if (!this.held) return null
    const { batchLosses, epochs, epochEnds } = this.held.snapshot.history
    return { batchLosses, epochs, epochEnds }
  }

  /** A run ended and left `snapshot`, trained on `data`; a run that continued the project keeps its file. */
  adoptRun(snapshot: LearnerSnapshot, data: OpenDataset, continued: boolean): void {
    const path = continued ? (this.held?.path ?? null) : null
    this.hold({ snapshot, dataset: datasetEntry(data.dataset, data.reference, data.fingerprint), path, problem: null })
  }

  /** The data the held project trained on (which runs are saved with it), or null. */
  get dataset(): ProjectManifest['dataset'] | null {
    return this.held?.dataset ?? null
  }

  /** Write the project (with `runs` to compare) to `path` atomically, or return its bytes for a download when there is none. */
  async save(path: string | undefined, runs: readonly RunRecord[] = []): Promise<SaveProjectReply> {
    const held = this.held
    if (!held) throw new Error('no project to save yet: train a model, or open a project')
    if (this.saving) throw new Error('a save is in progress; wait for it to finish')
    this.saving = true
    try {
      const epochsDone = held.snapshot.training.epochsDone
      if (!path) {
        const bytes = encodeProject(snapshotProject(held.snapshot, held.dataset, runs))
        const fileName = `${held.snapshot.config.model.kind}-${held.dataset.name}-${epochsDone}-epochs.${PROJECT_EXTENSION}`
        return { path: null, base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), fileName, bytes: bytes.length, epochsDone }
      }
      const bytes = await saveSnapshot(path, held.snapshot, held.dataset, runs)
      if (this.held === held) this.hold({ ...held, path })
      return { path, base64: null, fileName: basename(path), bytes, epochsDone }
    } finally {
      this.saving = false
    }
  }

  /**
   * Read a project file and hold it. `findData` opens (or finds open) the data it was trained on,
   * or says why it cannot; the project is held either way, its history shown.
   */
  async open(path: string, findData: (manifest: ProjectManifest) => Promise<{ data: OpenDataset | null; problem: string | null }>): Promise<{ project: OpenedProject; data: OpenDataset | null }> {
    const project = await openProject(path)
    const { data, problem } = await findData(project.manifest)
    this.hold({ snapshot: project, dataset: project.manifest.dataset, path, problem })
    return { project, data }
  }

  /** The snapshot, config and data to train `epochs` more epochs of the project, or why not. */
  continuation(epochs: number): Continuation {
    const view = this.view
    if (!this.held || !view) throw new Error('no project to continue: train a model, or open a project')
    const data = this.ownData()
    if (!view.continuable || !data) throw new Error(view.problem ?? 'this project cannot continue')
    return { snapshot: this.held.snapshot, config: { ...this.held.snapshot.config, epochs }, data }
  }

  /** The snapshot and data to export the project with (its own data must be open), or why not. */
  exportable(): { snapshot: LearnerSnapshot; data: OpenDataset } {
    const view = this.view
    if (!this.held || !view) throw new Error('no run to export: train a model, or open a project')
    const data = this.ownData()
    if (view.config.model.kind === 'pixel') throw new Error('pixel similarity is not trained by gradient descent: there is no training to export to PyTorch')
    if (!data) throw new Error(`open the run's data (${this.held.dataset.source}) to export it: the PyTorch project carries its images`)
    return { snapshot: this.held.snapshot, data }
  }

  /** Tell the app the project's view again (the open dataset changed, so may whether it can continue). */
  refresh(): void {
    if (this.held) this.changed(this.view)
  }

  /** The open dataset, when it is the project's own data (the same fingerprint). */
  private ownData(): OpenDataset | null {
    const open = this.currentData()
    return open && this.held && open.fingerprint === this.held.dataset.fingerprint ? open : null
  }

  private hold(held: Held): void {
    this.held = held
    this.changed(this.view)
  }
}
