import { app, BrowserWindow, Menu, nativeTheme, protocol, session, shell } from 'electron'
import { join } from 'node:path'
import { sendEvent, serveApi } from './ipc/handle'
import { originOf } from './ipc/sender'
import { APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './security/app-protocol'
import { openExternalIfAllowed } from './security/external-links'
import { denyAllPermissions } from './security/permissions'
import { guardWebContents } from './security/web-contents'
import { pickPathWithDialog } from './dialogs'
import { menuTemplate } from './menu'
import { DigitLabService } from './service/digit-lab-service'

// Before the app is ready: every renderer sandboxed, app:// a secure standard scheme, and every
// webContents (windows, and anything they might try to create) kept on its page.
app.enableSandbox()
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, (url) => openExternalIfAllowed(shell, url)))

/** `npm run dev` serves the renderer from Vite's dev server; a packaged app never does. */
const devServer = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const rendererOrigin = (devServer && originOf(devServer)) || APP_ORIGIN

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
      webviewTag: false,
      navigateOnDragDrop: false,
      allowRunningInsecureContent: false,
      disableBlinkFeatures: 'Auxclick',
    },
  })
  void window.loadURL(devServer ?? `${APP_ORIGIN}/index.html`)
  return window
}

void app.whenReady().then(() => {
  denyAllPermissions(session.defaultSession)
  protocol.handle(APP_SCHEME, appProtocolHandler(join(import.meta.dirname, '../renderer')))
  const window = createWindow()
  const service = new DigitLabService({
    version: app.getVersion(),
    emit: (event) => sendEvent(window.webContents, event),
    pickPath: (purpose) => pickPathWithDialog(window, purpose),
    writeOnlyPickedPaths: true,
  })
  app.once('before-quit', () => void service.close())
  serveApi(service, window.webContents, rendererOrigin)
  const template = menuTemplate({
    platform: process.platform,
    appName: 'Digit Lab',
    dev: !app.isPackaged,
    theme: nativeTheme.themeSource,
    send: (command) => sendEvent(window.webContents, { kind: 'menu', command }),
    setTheme: (source) => (nativeTheme.themeSource = source),
  })
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
})

app.on('window-all-closed', () => app.quit())
