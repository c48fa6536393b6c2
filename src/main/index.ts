import { app, BrowserWindow } from 'electron'
import { join } from 'node:path'
import { sendEvent, serveApi } from './ipc/handle'
import { DigitLabService } from './service/digit-lab-service'

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
  const service = new DigitLabService({ version: app.getVersion(), emit: (event) => sendEvent(window.webContents, event) })
  serveApi(service, window.webContents)
})

app.on('window-all-closed', () => app.quit())
