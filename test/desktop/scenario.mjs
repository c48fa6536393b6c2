// One scenario of the desktop stand-in checks, run by run.mjs as
//   node --import ./test/desktop/stand-in/register.mjs test/desktop/scenario.mjs <scenario> [training config JSON]
// It loads the real built out/main/index.js (and out/preload/index.cjs) against the stand-in, plays Electron's
// part, and prints what the app did as one `@@records` JSON line; run.mjs judges it.
import { once } from 'node:events'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { pathToFileURL } from 'node:url'
import workerThreads from 'node:worker_threads'

const require = createRequire(import.meta.url)
const { __standIn: control } = require('./stand-in/electron.cjs')
const { record, records } = control
const [scenario, configJson] = process.argv.slice(2)
const root = new URL('../../', import.meta.url)

// Every worker thread the app starts is recorded, with its exit, so quitting can be judged.
let workers = 0
const NodeWorker = workerThreads.Worker
workerThreads.Worker = class RecordedWorker extends NodeWorker {
  constructor(...args) {
    super(...args)
    const id = ++workers
    record('worker.start', { id, file: String(args[0]).split('/').pop() })
    this.once('exit', () => record('worker.exit', { id }))
  }
}
syncBuiltinESMExports()

const until = async (what, test, limitMs = 60_000) => {
  const start = Date.now()
  while (!test()) {
    if (Date.now() - start > limitMs) throw new Error(`stand-in scenario ${scenario}: gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
const recorded = (what) => records.some((entry) => entry.what === what)
const menuItems = (items) => items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? menuItems(item.submenu) : [])])

async function startApp() {
  if (scenario === 'darwin') {
    // The native modules pick their binaries by the real platform first (as on a Mac, where they are the Mac's).
    await import('sharp')
    await import('onnxruntime-node')
    Object.defineProperty(process, 'platform', { value: 'darwin' })
  }
  await import(new URL('out/main/index.js', root).href)
  record('imported')
  const loaded = once(control.emitter, 'loaded')
  control.ready()
  return loaded
}

/** The page's side: the preload as Electron runs it, its api and the desktop bridge. */
function loadPreload() {
  require(new URL('out/preload/index.cjs', root).pathname)
  return { api: control.world.api, desktop: control.world.desktop }
}

async function everyApiFunction(api) {
  for (const name of Object.keys(api).filter((key) => key !== 'onEvent')) {
    // No arguments: each is refused by the contract's schema or answered — never "no handler".
    const outcome = await api[name]().then(
      () => ({ ok: true }),
      (error) => ({ ok: false, error: String(error.message) }),
    )
    record('api.call', { name, ...outcome })
  }
  const untrusted = await Promise.resolve()
    .then(() => control.handlers.get('engine:status')({ sender: {}, senderFrame: null }))
    .then(() => 'answered', (error) => String(error.message))
  record('untrusted.call', { outcome: untrusted })
}

async function normal() {
  const [window] = await startApp()
  window.emit('ready-to-show')
  const { api, desktop } = loadPreload()
  const events = []
  api.onEvent((event) => events.push(event))
  record('engineStatus', { reply: await api.engineStatus() })
  await everyApiFunction(api)
  for (const item of menuItems(control.menu.template)) if (typeof item.click === 'function') item.click()
  record('page.events', { events: events.filter((event) => event.kind === 'menu') })
  desktop.setTheme('dark')
  desktop.setTheme('not-a-theme')
  record('menu.theme', { checked: menuItems(control.menu.template).filter((item) => item.type === 'radio' && item.checked).map((item) => item.label) })
  control.nextDialog = { canceled: false, filePath: '/nowhere/model.onnx' }
  record('pickPath', { reply: await api.pickPath('export-onnx') })
  window.minimized = true
  control.appEvents.emit('second-instance', {}, ['digit-lab'], '/')
  // A run in progress when the window closes: quitting must wait for the service to stop its worker.
  const opened = await api.openSample('mnist-sample')
  record('dataset.opened', { health: Array.isArray(opened.health), classes: opened.classes.length })
  // The Lab computes in its own worker, loaded from the built out/main/lab-worker.js.
  record('lab.reply', await api.labBroadcast({ label: 0 }).then((reply) => ({ steps: reply.distance.length }), (error) => ({ error: String(error.message) })))
  const { runId } = await api.startTraining(JSON.parse(configJson))
  await until('a training event', () => events.some((event) => event.kind === 'training'))
  record('training.started', { runId })
  window.destroy()
  await until('the app to quit', () => recorded('quit'))
}

async function darwin() {
  const [window] = await startApp()
  window.destroy()
  record('closed.first.window')
  control.appEvents.emit('activate')
  await until('a second window', () => control.loadedCount === 2)
  const { api } = loadPreload()
  record('engineStatus', { reply: await api.engineStatus() })
  control.windows.at(-1).destroy()
  record('closed.second.window')
  require('./stand-in/electron.cjs').app.quit()
  await until('the app to quit', () => recorded('quit'))
}

async function failing() {
  await import(new URL('out/main/index.js', root).href)
  control.ready()
  await until('the app to exit', () => recorded('app.exit'))
}

async function secondInstance() {
  await import(new URL('out/main/index.js', root).href)
  control.ready()
  await until('the second instance to quit', () => recorded('app.quit'))
}

/** `digit-lab --cli …` (the arguments are in process.argv): the CLI runs in main and the app exits with its code. */
async function commandLine() {
  await import(new URL('out/main/index.js', root).href)
  await until('the command line to exit', () => recorded('app.exit'), 120_000)
}

const SCENARIOS = { normal, darwin, failing, 'second-instance': secondInstance, 'no-sandbox': startApp, cli: commandLine }
try {
  await SCENARIOS[scenario]()
} catch (error) {
  record('scenario.error', { message: String(error?.stack ?? error) })
}
process.stdout.write(`@@records ${JSON.stringify(records)}\n`)
