import { ipcMain, type WebContents } from 'electron'
import { API_CHANNELS, EVENT_CHANNEL, type ApiHandlers, type AppEvent } from '../../shared/api'
import { dispatch } from './dispatch'
import { isTrustedSender } from './sender'

/**
 * Serve the whole api over Electron IPC to one window: each channel of the contract, answering
 * only that window's main frame while it shows a page of `origin`, every payload validated by
 * `dispatch`.
 */
export function serveApi(handlers: ApiHandlers, window: WebContents, origin: string): void {
  for (const [name, channel] of Object.entries(API_CHANNELS)) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, window, origin)) throw new Error(`refused ${channel} from an untrusted sender`)
      return dispatch(handlers, name, args)
    })
  }
}

/** Push an event to the window. */
export function sendEvent(window: WebContents, event: AppEvent): void {
  if (!window.isDestroyed()) window.send(EVENT_CHANNEL, event)
}
