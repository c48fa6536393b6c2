import { app, BrowserWindow, dialog, Menu, nativeTheme, protocol, session, shell } from 'electron'
import { join } from 'node:path'
import type { MenuCommand, ThemeChoice } from '../../shared/menu'
import { pickPathWithDialog } from '../dialogs'
import { hearThemeChoice, sendEvent, serveApi } from '../ipc/handle'
import { originOf } from '../ipc/sender'
import { menuTemplate } from '../menu'
import { APP_ORIGIN, APP_SCHEME, appProtocolHandler } from '../security/app-protocol'
import { denyAllPermissions } from '../security/permissions'
import { defaultDataFolder } from '../storage/data-folder'
import { closeBeforeQuit } from './quit'
import { describeStartupError } from './startup-error'
import { MainWindow } from './window'

/** `npm run dev` serves the renderer from Vite's dev server; a packaged app never does. */
const devServer = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const rendererOrigin = (devServer && originOf(devServer)) || APP_ORIGIN

/**
 * Once Electron is ready: the app:// protocol, the service (sharp and onnxruntime-node load with it, so a
 * native module that fails lands in `failStartup` before any window exists), every api handler and the menu,
 * and only then the window's page.
 */
export async function startDesktop(): Promise<void> {
  denyAllPermissions(session.defaultSession)
  protocol.handle(APP_SCHEME, appProtocolHandler(join(import.meta.dirname, '../renderer')))
  const [{ DigitLabService }, { limitSessionThreads }] = await Promise.all([import('../service/digit-lab-service'), import('../onnx/runtime')])
  // onnxruntime in main (drawing, the export's check) on one thread, leaving the cores to a training worker.
  limitSessionThreads(1)
  const main = new MainWindow(devServer ?? `${APP_ORIGIN}/index.html`)
  const contents = () => main.current?.webContents ?? null
  const service = new DigitLabService({
    version: app.getVersion(),
    emit: (event) => sendEvent(contents(), event),
    pickPath: (purpose) => pickPathWithDialog(main.current, purpose),
    writeOnlyPickedPaths: true,
    dataFolder: defaultDataFolder(),
    // Only the collection's folder, which main itself resolved (the page names a target, never a path).
    showFolder: (path) => shell.openPath(path),
  })
  closeBeforeQuit(app, () => service.close(), (problem) => console.error(`Digit Lab: ${problem}`))
  serveApi(service, contents, rendererOrigin)
  const showMenu = (theme: ThemeChoice): void => {
    const send = (command: MenuCommand): void => sendEvent(contents(), { kind: 'menu', command })
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ platform: process.platform, appName: 'Digit Lab', dev: !app.isPackaged, theme, send })))
  }
  // The page owns the theme (its sidebar picker, remembered across launches); the menu's radios ask the page,
  // and the page's choice comes back here for the radios and Electron's native parts.
  hearThemeChoice(contents, rendererOrigin, (theme) => {
    nativeTheme.themeSource = theme
    showMenu(theme)
  })
  showMenu('system')
  app.on('second-instance', () => main.focus())
  // A Mac app lives on with no window; clicking its Dock icon opens the window again.
  app.on('activate', () => void main.open().catch(failStartup))
  await main.open()
}

/** Digit Lab could not start: say why in a native error box, close any window, and quit with a failure code. */
export function failStartup(error: unknown): void {
  const problem = describeStartupError(error)
  console.error(`${problem.title}:`, error)
  for (const window of BrowserWindow.getAllWindows()) window.destroy()
  dialog.showErrorBox(problem.title, problem.detail)
  app.exit(1)
}
