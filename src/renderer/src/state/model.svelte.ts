import type { Classification, ExportReply, ModelView } from '../../../shared/inference'
import { download } from '../lib/download'
import { encodeBase64 } from '../lib/pixels'
import { hasDialogs } from '../lib/platform'

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * The model Draw classifies with and Export writes, as main holds it: the one the last run left,
 * or an .onnx file the person opened.
 */
class ModelState {
  view = $state.raw<ModelView | null>(null)
  opening = $state(false)
  openError = $state<string | null>(null)

  /** Ask main which model it holds (once, at startup; later changes come as events). */
  async load(): Promise<void> {
    try {
      this.view = await window.api.currentModel()
    } catch (error) {
      this.openError = message(error)
    }
  }

  receive(view: ModelView | null): void {
    this.view = view
  }

  /** Open an .onnx file: from a native dialog in the desktop app, else the path given. */
  async openFile(typedPath: string): Promise<void> {
    const path = hasDialogs() ? await window.api.pickPath('open-onnx') : typedPath.trim()
    if (!path) {
      if (!hasDialogs()) this.openError = 'Type or paste the path of an .onnx file first.'
      return
    }
    this.opening = true
    this.openError = null
    try {
      this.view = await window.api.openModel(path)
    } catch (error) {
      this.openError = message(error)
    } finally {
      this.opening = false
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
        this.error = message(error)
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
      this.error = message(error)
    } finally {
      this.busy = false
    }
  }
}

export const exporter = new Exporter()
