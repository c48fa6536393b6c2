import { errorMessage } from '../../shared/error-message'
/** The part of Electron's `app` that quitting needs. */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown
  quit(): void
}

/** How long quitting waits for the service to close before it goes anyway. */
export const CLOSE_TIME_LIMIT_MS = 10_000

/**
 * Close the service before the app quits: the first quit is held back (`preventDefault`) until
 * `close()` has finished — a run's worker stopped, onnxruntime's sessions released — and then
 * quits for real. A close that fails or hangs is reported and the app still quits.
 */
export function closeBeforeQuit(app: QuittingApp, close: () => Promise<void>, report: (problem: string) => void, limitMs = CLOSE_TIME_LIMIT_MS): void {
  let state: 'open' | 'closing' | 'closed' = 'open'
  app.on('before-quit', (event) => {
    if (state === 'closed') return
    event.preventDefault()
    if (state === 'closing') return
    state = 'closing'
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        report(`the service did not close within ${limitMs / 1000} s; quitting anyway`)
        resolve()
      }, limitMs)
    })
    Promise.race([close(), limit])
      .catch((error: unknown) => report(`closing the service failed: ${errorMessage(error)}`))
      .finally(() => {
        clearTimeout(timer)
        state = 'closed'
        app.quit()
      })
  })
}
