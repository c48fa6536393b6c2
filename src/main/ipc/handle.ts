import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { API_CHANNELS, EVENT_CHANNEL, type ApiHandlers, type AppEvent } from '../../shared/api'
import { dispatch } from './dispatch'

/**
 * Serve the whole api over Electron IPC to one window: each channel of the contract, answering
 * only that window's own frames, every payload validated by `dispatch`.
 */
export function serveApi(handlers: ApiHandlers, window: WebContents): void {
  const trusted = (event: IpcMainInvokeEvent): boolean => event.sender === window && event.senderFrame === window.mainFrame
  for (const [name, channel] of Object.entries(API_CHANNELS)) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!trusted(event)) throw new Error(`refused ${channel} from an untrusted sender`)
      return dispatch(handlers, name, args)
    })
  }
}

/** Push an event to the window. */
export function sendEvent(window: WebContents, event: AppEvent): void {
  if (!window.isDestroyed()) window.send(EVENT_CHANNEL, event)
}
