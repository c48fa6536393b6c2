// The checks of `npm run test:desktop`, judged from the records of each stand-in scenario (see run.mjs).

/** Index of the first record `what` (and matching `test`), or -1. */
const first = (records, what, test = () => true) => records.findIndex((entry) => entry.what === what && test(entry))
const every = (records, what) => records.filter((entry) => entry.what === what)
const before = (records, a, b) => first(records, a) >= 0 && first(records, b) >= 0 && first(records, a) < first(records, b)

/**
 * Every check on the runs: startup order, webPreferences, the contract's channels all handled, the menu,
 * the theme, dialogs, a second launch, quitting after the service closed, and failures that end in an
 * error box and a clean exit instead of a dead window. Returns one `{ name, passed, detail }` per check.
 */
export function desktopChecks(runs, contract) {
  const results = []
  const check = (name, passed, detail = '') => results.push({ name, passed: Boolean(passed), detail: passed ? '' : detail })
  const ranCleanly = (run) => {
    const error = run.records.find((entry) => entry.what === 'scenario.error')
    check(`${run.name}: the scenario ran to its end`, !error && run.records.length > 0, error?.message ?? 'no records')
    check(`${run.name}: the process ended by itself`, run.signal === null && run.code === 0, `exit ${run.code}, signal ${run.signal}`)
  }

  // Starting, as Electron requires and as the issue asks: protocol before ready, handlers before loadURL.
  const n = runs.normal
  const r = n.records
  ranCleanly(n)
  check('the single-instance lock is asked for first', first(r, 'app.requestSingleInstanceLock') === 0)
  check('every renderer is sandboxed (app.enableSandbox before ready)', before(r, 'app.enableSandbox', 'ready'))
  const schemes = r[first(r, 'protocol.registerSchemesAsPrivileged')]
  check('app:// is registered as a privileged scheme before ready', schemes && schemes.ready === false && schemes.schemes.some((s) => s.scheme === 'app' && s.privileges.standard && s.privileges.secure))
  check('every webContents is guarded from its creation (listener before ready)', before(r, 'app.on', 'ready') && first(r, 'app.on', (e) => e.event === 'web-contents-created') < first(r, 'ready'))
  check('app:// is handled after ready and before the page loads', first(r, 'protocol.handle', (e) => e.ready) >= 0 && before(r, 'protocol.handle', 'window.loadURL'))
  check('permission requests are refused before the page loads', before(r, 'session.setPermissionRequestHandler', 'window.loadURL') && before(r, 'session.setPermissionCheckHandler', 'window.loadURL'))
  const handled = every(r, 'ipcMain.handle')
  const missing = contract.channels.filter((channel) => !handled.some((entry) => entry.channel === channel))
  check(`all ${contract.channels.length} channels of the api contract have a handler`, missing.length === 0, `no handler: ${missing.join(', ')}`)
  check('no handler serves a channel outside the contract', handled.every((entry) => contract.channels.includes(entry.channel)))
  check('every handler is in place before the page loads', handled.length > 0 && handled.every((entry) => entry.loaded === 0) && before(r, 'ipcMain.handle', 'window.loadURL'))
  check('the menu is set before the page loads', before(r, 'Menu.setApplicationMenu', 'window.loadURL'))
  const windows = every(r, 'new BrowserWindow')
  check('one window is made, after ready', windows.length === 1 && windows[0].ready === true)
  const preferences = windows[0]?.options.webPreferences ?? {}
  check('webPreferences: sandbox on, context isolation on, Node integration off', preferences.sandbox === true && preferences.contextIsolation === true && preferences.nodeIntegration === false, JSON.stringify(preferences))
  check('webPreferences: spellchecker off, web security on, no webview', preferences.spellcheck === false && preferences.webSecurity === true && preferences.webviewTag === false, JSON.stringify(preferences))
  check('the preload is the built out/preload/index.cjs', typeof preferences.preload === 'string' && preferences.preload.replace(/\\/g, '/').endsWith('out/preload/index.cjs'), preferences.preload)
  check('the page is app://digit-lab/index.html', r[first(r, 'window.loadURL')]?.url === 'app://digit-lab/index.html')
  check('the window is shown once its page is ready to show', before(r, 'window.loadURL', 'window.show'))
  const exposed = every(r, 'contextBridge.exposeInMainWorld')
  const api = exposed.find((entry) => entry.key === 'api')?.names ?? []
  check('the preload exposes exactly the contract’s functions and onEvent', [...contract.apiNames, 'onEvent'].sort().join() === [...api].sort().join(), api.join())
  check('the preload exposes the desktop bridge: pathForFile and setTheme', exposed.find((entry) => entry.key === 'desktop')?.names.sort().join() === 'pathForFile,setTheme')
  const calls = every(r, 'api.call')
  const unserved = calls.filter((call) => /No handler registered/.test(call.error ?? ''))
  check('every function the preload exposes reaches a handler in main', calls.length === contract.apiNames.length && unserved.length === 0, unserved.map((call) => call.name).join(', '))
  check('the service answers through IPC (engineStatus)', typeof r[first(r, 'engineStatus')]?.reply?.version === 'string', JSON.stringify(r[first(r, 'engineStatus')]))
  check('a call from anything but the window’s page is refused', /untrusted sender/.test(r[first(r, 'untrusted.call')]?.outcome ?? ''))

  // The menu: every item reaches the page; the theme has one owner.
  const commands = (r[first(r, 'page.events')]?.events ?? []).map((event) => event.command)
  const wanted = ['open-folder', 'open-model', 'open-project', 'save-project', 'export-model', 'about', ...contract.views.map((view) => `show:${view}`), 'theme:system', 'theme:light', 'theme:dark']
  check('every menu command reaches the page', wanted.every((command) => commands.includes(command)), `sent: ${commands.join(', ')}`)
  const themes = every(r, 'nativeTheme.themeSource')
  check('the page’s theme choice sets the native theme (a bad value is ignored)', themes.length === 1 && themes[0].source === 'dark', JSON.stringify(themes))
  check('the menu’s Appearance shows the page’s choice', r[first(r, 'menu.theme')]?.checked.join() === 'Dark', JSON.stringify(r[first(r, 'menu.theme')]))
  check('Export asks where with the native save dialog', r[first(r, 'dialog.showSaveDialog')]?.options.title === 'Export model' && r[first(r, 'pickPath')]?.reply === '/nowhere/model.onnx')
  check('a second launch brings the window forward', before(r, 'window.restore', 'window.focus') && first(r, 'app.on', (e) => e.event === 'second-instance') >= 0)

  // The Lab's panels and the opened dataset's summary and health compute in the Lab's worker, from the built file.
  check('the Lab’s worker starts from the built out/main/lab-worker.js', every(r, 'worker.start').some((worker) => worker.file === 'lab-worker.js'), JSON.stringify(every(r, 'worker.start')))
  check('opening a sample gives its summary and health (worked out in the Lab’s worker)', r[first(r, 'dataset.opened')]?.health === true && r[first(r, 'dataset.opened')]?.classes === 2, JSON.stringify(r[first(r, 'dataset.opened')]))
  check('a Lab panel answers through IPC from that worker (labBroadcast)', r[first(r, 'lab.reply')]?.steps === 4, JSON.stringify(r[first(r, 'lab.reply')]))

  // Quitting with a run in progress: held back until the service closed its worker, then quit once.
  const quitAt = first(r, 'quit')
  const started = every(r, 'worker.start')
  check('a training run was going when the window closed', first(r, 'training.started') >= 0 && started.length > 0)
  check('closing the window asks to quit, and the first quit is held back', first(r, 'before-quit', (e) => e.prevented) > first(r, 'window.destroy'))
  check('every worker the app started had exited before the app quit', quitAt > 0 && started.every((worker) => first(r, 'worker.exit', (e) => e.id === worker.id) >= 0 && first(r, 'worker.exit', (e) => e.id === worker.id) < quitAt))
  check('the app quit exactly once', every(r, 'quit').length === 1)
  check('nothing went to an error box on a good start', first(r, 'dialog.showErrorBox') < 0)
  check('without --no-sandbox there is no sandbox notice', !/WITHOUT Chromium/.test(n.stderr))

  // macOS: the app lives on without a window; the Dock opens it again; handlers are not registered twice.
  const d = runs.darwin
  ranCleanly(d)
  check('macOS: closing the window does not quit the app', first(d.records, 'app.quit') > first(d.records, 'closed.second.window'))
  check('macOS: activate opens a second window with its page', every(d.records, 'new BrowserWindow').length === 2 && every(d.records, 'window.loadURL').length === 2)
  check('macOS: the reopened window is served by the same handlers', every(d.records, 'ipcMain.handle').length === contract.channels.length && typeof d.records[first(d.records, 'engineStatus')]?.reply?.version === 'string')
  check('macOS: quitting still waits for the service', before(d.records, 'before-quit', 'quit') && d.records[first(d.records, 'before-quit')].prevented === true)

  // Failures at start: an error box that says what failed, a failure exit code, no dead window.
  for (const [run, words] of [
    [runs.sharp, /sharp \(it reads images\)[\s\S]*Reinstall/],
    [runs.onnxruntime, /onnxruntime-node \(it runs and checks ONNX models\)[\s\S]*Reinstall/],
    [runs.protocol, /protocol\.handle failed/],
    [runs.load, /loadURL failed/],
  ]) {
    const label = `failing ${run === runs.sharp ? 'sharp' : run === runs.onnxruntime ? 'onnxruntime-node' : run === runs.protocol ? 'service setup (protocol.handle)' : 'page load'}`
    ranCleanly(run)
    const box = run.records[first(run.records, 'dialog.showErrorBox')]
    check(`${label}: an error box says what failed`, box?.title === 'Digit Lab could not start' && words.test(box.content), JSON.stringify(box))
    check(`${label}: the app exits with code 1`, run.records[first(run.records, 'app.exit')]?.code === 1)
    const windowsLeft = every(run.records, 'new BrowserWindow').length - every(run.records, 'window.destroy').length
    check(`${label}: no window is left open`, windowsLeft === 0)
    if (run !== runs.load) check(`${label}: no window and no handlers were made`, every(run.records, 'new BrowserWindow').length === 0 && every(run.records, 'ipcMain.handle').length === 0)
  }

  // A second launch while one runs: it quits at once and touches nothing.
  const s = runs.second
  ranCleanly(s)
  check('second instance: quits without waiting for ready', first(s.records, 'app.quit') === 1)
  check('second instance: no window, no protocol, no handlers', ['new BrowserWindow', 'protocol.registerSchemesAsPrivileged', 'protocol.handle', 'ipcMain.handle', 'app.whenReady'].every((what) => first(s.records, what) < 0))

  // The launcher added --no-sandbox (the sandbox cannot start on this system): the app says so and does not force it.
  const ns = runs.noSandbox
  ranCleanly(ns)
  check('--no-sandbox: a clear notice on the console', /WITHOUT Chromium's sandbox[\s\S]*chrome-sandbox/.test(ns.stderr), ns.stderr.slice(0, 500))
  check('--no-sandbox: app.enableSandbox is not forced against it', first(ns.records, 'app.enableSandbox') < 0 && first(ns.records, 'window.loadURL') >= 0)

  // The installed app's command line: `digit-lab --cli …` runs the CLI in main, no window, and exits with its code.
  const t = runs.cliTrain
  ranCleanly(t)
  check('--cli train: the epoch table is printed and the app exits 0', /train_loss/.test(t.stdout) && t.records[first(t.records, 'app.exit')]?.code === 0, t.stdout.slice(0, 400) + t.stderr.slice(0, 400))
  check('--cli train: its run reaches the end: the final summary after the table', /epoch/.test(t.stdout) && /accuracy/i.test(t.stdout), t.stdout.slice(-400))
  check('--cli: no window, no single-instance lock, no protocol', ['new BrowserWindow', 'app.requestSingleInstanceLock', 'protocol.registerSchemesAsPrivileged', 'app.whenReady'].every((what) => first(t.records, what) < 0))
  const b = runs.cliBadArgs
  ranCleanly(b)
  check('--cli with a bad argument: the usage, exit code 2', b.records[first(b.records, 'app.exit')]?.code === 2 && /--model/.test(b.stderr), b.stderr.slice(0, 300))
  return results
}
