import type { UploadKind } from '../../../shared/browser-protocol'
import type { PathPurpose } from '../../../shared/inference'
import { uploadAndOpen } from '../api/folder-upload'
import { errorText } from '../lib/error-text'
import { hasDialogs } from '../lib/platform'

/** What opening a file is busy with: opening an uploaded file follows its upload. */
export type OpenWork = 'opening' | 'uploading' | 'opening-upload'

/** One kind of file the app opens (a model, a project), and what opening it does. */
export interface FileKind {
  /** The desktop app's native dialog that picks it. */
  readonly dialog: Extract<PathPurpose, `open-${string}`>
  /** What a browser uploads it as. */
  readonly upload: Exclude<UploadKind, 'folder'>
  /** What to say when the browser's path field is empty. */
  readonly ask: string
  /** Open the file at this path on the machine Digit Lab runs on. */
  readonly openAt: (path: string) => Promise<void>
  /** A browser uploaded `file` and opened the copy at `path`. */
  readonly uploaded?: (path: string, file: File) => void
}

/**
 * Opening a file three ways — a native dialog (desktop), a typed path (browser), a file chosen or
 * dropped (the desktop knows its path; a browser uploads it first) — one at a time, its refusal kept to show.
 */
export class FileOpener<Extra extends string = never> {
  busy = $state<OpenWork | Extra | null>(null)
  error = $state<string | null>(null)
  readonly #kind: FileKind

  constructor(kind: FileKind) {
    this.#kind = kind
  }

  /** Open from a native dialog in the desktop app, else from the path typed. */
  async open(typedPath: string): Promise<void> {
    if (this.busy) return
    const path = hasDialogs() ? await window.api.pickPath(this.#kind.dialog) : typedPath.trim()
    if (!path) {
      if (!hasDialogs()) this.error = this.#kind.ask
      return
    }
    await this.work('opening', () => this.#kind.openAt(path))
  }

  /** Open a file chosen in a file input or dropped: from its path where the desktop app knows it, else uploaded first. */
  async openFile(file: File): Promise<void> {
    if (this.busy) return
    const { desktop } = window
    if (desktop) return this.work('opening', () => this.#kind.openAt(desktop.pathForFile(file)))
    await this.work('uploading', async () => {
      const path = await uploadAndOpen(file, this.#kind.upload, this.#kind.openAt, () => (this.busy = 'opening-upload'))
      this.#kind.uploaded?.(path, file)
    })
  }

  /** Do one piece of work on the file (open, save), its refusal kept in `error`. */
  async work(what: OpenWork | Extra, work: () => Promise<void>): Promise<void> {
    this.busy = what
    this.error = null
    try {
      await work()
    } catch (error) {
      this.error = errorText(error)
    } finally {
      this.busy = null
    }
  }
}
