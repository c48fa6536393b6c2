import { BrowserWindow } from 'electron'
import { join } from 'node:path'

/**
 * The one window, made on demand: at start, and again on a Mac when the Dock icon is clicked after
 * it was closed (the app, its service and any run in progress live on without it).
 */
export class MainWindow {
  #window: BrowserWindow | null = null

  constructor(private readonly url: string) {}

  /** The window's contents while it is open, for events, dialogs and the IPC sender check. */
  get current(): BrowserWindow | null {
    return this.#window && !this.#window.isDestroyed() ? this.#window : null
  }

  /** Open the window unless it is open; `wire` runs before the page loads, so nothing it serves is missed. */
  async open(wire: (window: BrowserWindow) => void = () => {}): Promise<BrowserWindow> {
    const open = this.current
    if (open) return open
    const window = new BrowserWindow({
      width: 1280,
      height: 800,
      title: 'Digit Lab',
      show: false,
      webPreferences: {
        preload: join(import.meta.dirname, '../preload/index.cjs'),
        contextIsolation: true,
        nodeIntegration: false,
        sandbox: true,
        webSecurity: true,
        webviewTag: false,
        navigateOnDragDrop: false,
        allowRunningInsecureContent: false,
        // NOTE: the spellchecker would download Google's dictionaries; there is no prose to check here.
        spellcheck: false,
        disableBlinkFeatures: 'Auxclick',
      },
    })
    this.#window = window
    window.once('ready-to-show', () => window.show())
    window.on('closed', () => {
      if (this.#window === window) this.#window = null
    })
    wire(window)
    await window.loadURL(this.url)
    return window
  }

  /** Bring the window forward (a second launch of the app lands here). */
  focus(): void {
    const window = this.current
    if (!window) return
    if (window.isMinimized()) window.restore()
    window.focus()
  }
}
