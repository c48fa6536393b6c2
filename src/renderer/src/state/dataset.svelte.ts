import type { CollectTarget } from '../../../shared/collect'
import type { Correction } from '../../../shared/corrections'
import type { DatasetView, ImportProgressEvent, ImportSettings, SampleDataset } from '../../../shared/datasets'
import { uploadFolder, type FolderFile } from '../api/folder-upload'
import { inOneFolder } from '../lib/dropped-files'
import { hasDialogs } from '../lib/platform'
import { errorText } from '../lib/error-text'
import { rememberSettings, rememberedSettings } from './import-memory'

/** The built-in samples, as the Data view offers them. */
export const SAMPLES: readonly { readonly id: SampleDataset; readonly title: string; readonly detail: string }[] = [
  { id: 'mnist-sample', title: 'MNIST 3 vs 7', detail: '2 digits · 14,434 images' },
  { id: 'mnist', title: 'MNIST 0–9', detail: '10 digits · 70,000 images' },
]

/** A dataset's name for people: a built-in sample's title ("MNIST 3 vs 7" for mnist-sample), else the name as it is. */
export const sampleTitle = (name: string): string => SAMPLES.find((sample) => sample.id === name)?.title ?? name

/** Files of a browser-mode folder upload sent so far (before the import proper). */
export interface UploadProgress {
  readonly phase: 'upload'
  readonly done: number
  readonly total: number
}

/** What an import is doing, while it runs. */
export interface ImportActivity {
  readonly source: string
  readonly progress: ImportProgressEvent | UploadProgress | null
}


/** The dataset the app has open, and the import in progress, if any. */
class DatasetState {
  view = $state.raw<DatasetView | null>(null)
  importing = $state.raw<ImportActivity | null>(null)
  error = $state<string | null>(null)
  /** The last dataset this page opened, and the seconds from the person's click (or drop) to it, upload included. */
  opened = $state.raw<{ readonly view: DatasetView; readonly seconds: number } | null>(null)

  /** Seconds the open dataset took to open, as the person waited: from their click when this page opened it, else the import's own. */
  readonly seconds = $derived(this.view && this.opened?.view === this.view ? this.opened.seconds : (this.view?.seconds ?? 0))

  readonly classCount = $derived(this.view?.labelNames.length ?? 0)
  /** The dataset's name for people: a sample's title, or the folder's name. */
  readonly title = $derived(this.view ? (SAMPLES.some((sample) => sample.id === this.view?.source) ? sampleTitle(this.view.source) : this.view.name) : '')

  openSample(name: SampleDataset): Promise<void> {
    const title = sampleTitle(name)
    return this.#open(title, () => window.api.openSample(name))
  }

  openFolder(path: string): Promise<void> {
    const trimmed = path.trim()
    if (!trimmed) {
      this.error = 'Type or paste the path of a folder of digit images first.'
      return Promise.resolve()
    }
    const settings = rememberedSettings(trimmed)
    return this.#open(trimmed, () => window.api.openFolder(trimmed, settings), trimmed)
  }

  /**
   * Browser mode: upload a chosen or dropped folder's files to Digit Lab on this machine, then
   * import the copy there like any folder (layout, progress and skipped files alike).
   */
  uploadFolder(dropped: readonly FolderFile[]): Promise<void> {
    if (dropped.length === 0) {
      this.error = 'That folder holds no files.'
      return Promise.resolve()
    }
    const files = inOneFolder(dropped)
    const name = files[0].path.split('/')[0]
    return this.#open(name, async () => {
      const path = await uploadFolder(files, (done, total) => {
        if (this.importing) this.importing = { ...this.importing, progress: { phase: 'upload', done, total } }
      })
      return window.api.openFolder(path, {})
    })
  }

  /** Open the folder drawings were collected in (Draw's Collect), imported like any folder. */
  openCollection(target: CollectTarget, name: string): Promise<void> {
    return this.#open(name, () => window.api.openCollection({ target }))
  }

  /** Choose a folder in the native dialog (the desktop app's) and open it. */
  async chooseFolder(): Promise<void> {
    if (!hasDialogs() || this.importing) return
    const path = await window.api.pickPath('open-folder')
    if (path) await this.openFolder(path)
  }

  /** Import the open dataset again with other settings (split, polarity, resizing): the Data view shows the result. */
  async reimport(settings: ImportSettings): Promise<void> {
    // NOTE: the path counts only while its dataset is the open one (a project opened since may have brought another).
    const path = this.#opened && this.#opened.source === this.view?.source ? this.#opened.path : null
    await this.#open(this.title, () => window.api.reimportDataset(settings), path)
    if (path !== null && this.view && this.#opened?.path === path) rememberSettings(path, this.view.settings)
  }

  /** The correction kept for an image of the open dataset (by its source), if any. */
  correctionOf(source: string): Correction | undefined {
    return this.view?.corrections?.entries.find((entry) => entry.file === source)
  }

  /** Relabel an image or leave it out: main keeps it in the corrections file and imports the dataset again. */
  correct(correction: Correction): Promise<void> {
    return this.#recorrect(correction.file, () => window.api.correctImage({ correction }))
  }

  /** Leave these images out (a health warning's fix), kept in the corrections file, undoable one by one. */
  leaveOut(files: readonly string[]): Promise<void> {
    return this.#recorrect(files[0] ?? '', () => window.api.correctImages({ corrections: files.map((file) => ({ file, action: 'leave-out' as const })) }))
  }

  /** Take back the correction of one image. */
  undoCorrection(file: string): Promise<void> {
    return this.#recorrect(file, () => window.api.undoCorrection({ file }))
  }

  /** The image whose correction is being kept now, and the last refusal. */
  correcting = $state<string | null>(null)
  correctionError = $state<string | null>(null)

  async #recorrect(file: string, change: () => Promise<DatasetView>): Promise<void> {
    if (this.correcting || this.importing) return
    this.correcting = file
    this.correctionError = null
    try {
      this.view = await change()
    } catch (error) {
      this.correctionError = errorText(error)
    } finally {
      this.correcting = null
    }
  }

  /** Ask main which dataset is open: a reloaded window shows the one it had. */
  async restore(): Promise<void> {
    try {
      const view = await window.api.currentDataset()
      if (!this.view && !this.importing) this.view = view
    } catch (error) {
      this.error = errorText(error)
    }
  }

  /** Import progress from main, for the import in progress. */
  receiveProgress(progress: ImportProgressEvent): void {
    if (this.importing) this.importing = { ...this.importing, progress }
  }

  /** The path the last dataset opened here was opened by (typed or chosen), with its source; null for a sample, an upload or a collection. */
  #opened: { readonly path: string; readonly source: string } | null = null

  async #open(source: string, open: () => Promise<DatasetView>, path: string | null = null): Promise<void> {
    if (this.importing) return
    this.importing = { source, progress: null }
    this.error = null
    const started = performance.now()
    try {
      const view = await open()
      this.view = view
      this.#opened = path === null ? null : { path, source: view.source }
      this.opened = { view, seconds: (performance.now() - started) / 1000 }
    } catch (error) {
      this.error = errorText(error)
    } finally {
      this.importing = null
    }
  }
}

export const dataset = new DatasetState()
