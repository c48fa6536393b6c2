import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { Api, AppEvent } from '../shared/api'
import { API_CHANNELS, EVENT_CHANNEL } from '../shared/channels'
import { THEME_CHANNEL, type ThemeChoice } from '../shared/menu'
import { remoteErrorMessage } from '../shared/remote-error'
import type { DesktopApi } from '../shared/desktop'
import { errorMessage } from '../shared/error-message'

// Exactly the api of the contract — one function per channel — and the event subscription. A
// refusal reaches the page as main worded it.
const refusal = (error: unknown): never => {
  throw new Error(remoteErrorMessage(errorMessage(error)))
}
const invokers = Object.fromEntries(
  Object.entries(API_CHANNELS).map(([name, channel]) => [name, (...args: unknown[]) => ipcRenderer.invoke(channel, ...args).catch(refusal)]),
)

const api = {
  ...invokers,
  onEvent(listener: (event: AppEvent) => void): () => void {
    const forward = (_: IpcRendererEvent, event: AppEvent): void => listener(event)
    ipcRenderer.on(EVENT_CHANNEL, forward)
    return () => ipcRenderer.off(EVENT_CHANNEL, forward)
  },
} as Api

contextBridge.exposeInMainWorld('api', api)

// Where a dropped file or folder lives on disk, for the Data view's drop zone: a sandboxed page
// cannot read it from the File itself (Electron removed File.path), and a browser never tells.
// And the theme the page chose, so the menu's Appearance radios and the native parts follow it.
contextBridge.exposeInMainWorld('desktop', {
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
  setTheme: (choice: ThemeChoice): void => ipcRenderer.send(THEME_CHANNEL, choice),
} satisfies DesktopApi)
