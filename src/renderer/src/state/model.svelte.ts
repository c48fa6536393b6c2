import type { Classification, ExportReply, ModelView } from '../../../shared/inference'
import { download } from '../lib/download'
import { encodeBase64 } from '../lib/pixels'
import { hasDialogs } from '../lib/platform'
import { errorText } from '../lib/error-text'
import { FileOpener } from './file-opener.svelte'

/**
 * The model Draw classifies with and Export writes, as main holds it: the one the last run left,
 * or an .onnx file the person opened (desktop: a native dialog; browser: a file chosen or dropped, uploaded, or a typed path).
 */
class ModelState {
  view = $state.raw<ModelView | null>(null)
  /** Opening an .onnx file, and its refusal. */
  readonly file = new FileOpener({
    dialog: 'open-onnx',
    upload: 'model',
    ask: 'Choose an .onnx model file, or type or paste its path first.',
    openAt: async (path) => void (this.view = await window.api.openModel(path)),
  })

  /** Ask main which model it holds (once, at startup; later changes come as events). */
  async load(): Promise<void> {
    try {
      this.view = await window.api.currentModel()
    } catch (error) {
      this.file.error = errorText(error)
    }
  }

  receive(view: ModelView | null): void {
    this.view = view
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
  /** A classification is on its way: the result shown is not yet the drawing's as it stands. */
  busy = $state(false)
  #next: Uint8Array | null = null
  // NOTE: a plain field, not `busy`: `request` runs in an effect, which must not depend on what it changes.
  #draining = false

  request(input: Uint8Array): void {
    this.#next = input
    if (!this.#draining) void this.#drain()
  }

  async #drain(): Promise<void> {
    this.#draining = true
    this.busy = true
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
    this.#draining = false
    this.busy = false
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
