import { ipcMain, type WebContents } from 'electron'
import { API_CHANNELS, EVENT_CHANNEL, type ApiHandlers, type AppEvent } from '../../shared/api'
import { THEME_CHANNEL, THEME_CHOICES, type ThemeChoice } from '../../shared/menu'
import { dispatch } from './dispatch'
import { isTrustedSender } from './sender'

/** The window's contents while it is open (a Mac keeps the app running without one). */
export type CurrentContents = () => WebContents | null

/**
 * Serve the whole api over Electron IPC to the app's window: each channel of the contract, answering
 * only that window's main frame while it shows a page of `origin`, every payload validated by
 * `dispatch`. Registered once; a window opened again later is served by the same handlers.
 */
export function serveApi(handlers: ApiHandlers, contents: CurrentContents, origin: string): void {
  for (const [name, channel] of Object.entries(API_CHANNELS)) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      const window = contents()
      if (!window || !isTrustedSender(event, window, origin)) throw new Error(`refused ${channel} from an untrusted sender`)
      return dispatch(handlers, name, args)
    })
  }
}

/** Hear the theme the page chose (its own control or the menu's), from the trusted page only. */
export function hearThemeChoice(contents: CurrentContents, origin: string, chosen: (choice: ThemeChoice) => void): void {
  ipcMain.on(THEME_CHANNEL, (event, choice: unknown) => {
    const window = contents()
    if (!window || !isTrustedSender(event, window, origin)) return
    const known = THEME_CHOICES.find((theme) => theme === choice)
    if (known) chosen(known)
  })
}

/** Push an event to the window, if it is open. */
export function sendEvent(window: WebContents | null, event: AppEvent): void {
  if (window && !window.isDestroyed()) window.send(EVENT_CHANNEL, event)
}
