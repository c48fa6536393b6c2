import type { Classification, ExportReply, ModelView } from '../../../shared/inference'
import { uploadAndOpen } from '../api/folder-upload'
import { download } from '../lib/download'
import { encodeBase64 } from '../lib/pixels'
import { hasDialogs } from '../lib/platform'
import { errorText } from '../lib/error-text'


/** What opening a model is busy with: opening an uploaded file follows its upload. */
type ModelWork = 'opening' | 'uploading' | 'opening-upload'

/**
 * The model Draw classifies with and Export writes, as main holds it: the one the last run left,
 * or an .onnx file the person opened (desktop: a native dialog; browser: a file chosen or dropped, uploaded, or a typed path).
 */
class ModelState {
  view = $state.raw<ModelView | null>(null)
  busy = $state<ModelWork | null>(null)
  openError = $state<string | null>(null)

  /** Ask main which model it holds (once, at startup; later changes come as events). */
  async load(): Promise<void> {
    try {
      this.view = await window.api.currentModel()
    } catch (error) {
      this.openError = errorText(error)
    }
  }

  receive(view: ModelView | null): void {
    this.view = view
  }

  /** Open an .onnx file: from a native dialog in the desktop app, else the path given. */
  async open(typedPath: string): Promise<void> {
    if (this.busy) return
    const path = hasDialogs() ? await window.api.pickPath('open-onnx') : typedPath.trim()
    if (!path) {
      if (!hasDialogs()) this.openError = 'Choose an .onnx model file, or type or paste its path first.'
      return
    }
    await this.#work('opening', () => this.#openAt(path))
  }

  /**
   * Open an .onnx file chosen in a file input or dropped: where the desktop app knows its path, from
   * there; a browser uploads it first (streamed, beside any uploaded dataset or project) and opens the copy.
   */
  async openFile(file: File): Promise<void> {
    if (this.busy) return
    if (window.desktop) return this.#work('opening', () => this.#openAt(window.desktop!.pathForFile(file)))
    await this.#work('uploading', () => uploadAndOpen(file, 'model', (path) => this.#openAt(path), () => (this.busy = 'opening-upload')).then(() => undefined))
  }

  async #openAt(path: string): Promise<void> {
    this.view = await window.api.openModel(path)
  }

  async #work(what: ModelWork, work: () => Promise<void>): Promise<void> {
    this.busy = what
    this.openError = null
    try {
      await work()
    } catch (error) {
      this.openError = errorText(error)
    } finally {
      this.busy = null
    }
  }
}

export const model = new ModelState()

/**
 * Classification of the drawing as the pen moves: one request at a time, and when it answers, the
 * latest drawing if it changed meanwhile — never a queue of stale ones.
 */
class Prediction {
  result = $state.raw<Classification | null>(null)
  error = $state<string | null>(null)
  #next: Uint8Array | null = null
  #busy = false

  request(input: Uint8Array): void {
    this.#next = input
    if (!this.#busy) void this.#drain()
  }

  async #drain(): Promise<void> {
    this.#busy = true
    while (this.#next) {
      const input = this.#next
      this.#next = null
      try {
        this.result = input.some((v) => v > 0) ? await window.api.classify(encodeBase64(input)) : null
        this.error = null
      } catch (error) {
        this.result = null
        this.error = errorText(error)
      }
    }
    this.#busy = false
  }
}

export const prediction = new Prediction()

/** Export of the trained model to ONNX, with the parity report main proved it by. */
class Exporter {
  busy = $state(false)
  /** The last export, with the model it was made from (a newer model makes it old news). */
  last = $state.raw<{ readonly reply: ExportReply; readonly model: ModelView | null } | null>(null)
  error = $state<string | null>(null)

  /** The export of the model now held, if it was exported. */
  readonly result = $derived(this.last && this.last.model === model.view ? this.last.reply : null)

  /** Desktop: ask where, write there. Browser: the bytes come back and download. */
  async export(): Promise<void> {
    if (this.busy) return
    let path: string | undefined
    if (hasDialogs()) {
      path = (await window.api.pickPath('export-onnx')) ?? undefined
      if (!path) return
    }
    this.busy = true
    this.error = null
    try {
      const reply = await window.api.exportOnnx({ path })
      if (reply.base64) download(reply.base64, reply.fileName)
      this.last = { reply, model: model.view }
    } catch (error) {
      this.error = errorText(error)
    } finally {
      this.busy = false
    }
  }
}

export const exporter = new Exporter()
