import { app, protocol, shell } from 'electron'
import { commandLineArgs, runCommandLine } from './desktop/command-line'
import { SANDBOX_OFF_NOTICE } from './desktop/sandbox'
import { failStartup, startDesktop } from './desktop/start'
import { APP_SCHEME_PRIVILEGES } from './security/app-protocol'
import { openExternalIfAllowed } from './security/external-links'
import { guardWebContents } from './security/web-contents'

const cliArgs = commandLineArgs(process.argv)
if (cliArgs) {
  runCommandLine(cliArgs)
} else if (!app.requestSingleInstanceLock()) {
  // One Digit Lab window at a time: a second launch brings the first one's forward (see startDesktop) and ends.
  app.quit()
} else {
  // Before the app is ready: every renderer sandboxed (unless the launcher found the sandbox cannot start here),
  // app:// a secure standard scheme, and every webContents kept on its page.
  if (app.commandLine.hasSwitch('no-sandbox')) console.warn(SANDBOX_OFF_NOTICE)
  else app.enableSandbox()
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, (url) => openExternalIfAllowed(shell, url)))
  // A Mac app stays open with no window, as Mac apps do; elsewhere closing the window quits.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  void app.whenReady().then(startDesktop).catch(failStartup)
}
