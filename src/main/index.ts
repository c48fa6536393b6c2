import { app, BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { handle } from './ipc/handle'
import { engineStatus } from './service/engine-status'

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Digit Lab',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  })
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void window.loadFile(join(import.meta.dirname, '../renderer/index.html'))
  return window
}

void app.whenReady().then(() => {
  const window = createWindow()
  const isTrustedSender = (event: IpcMainInvokeEvent): boolean => event.sender === window.webContents
  handle('engineStatus', isTrustedSender, async () => engineStatus(app.getVersion()))
})

app.on('window-all-closed', () => app.quit())
