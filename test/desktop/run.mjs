// `npm run test:desktop`: the real built main bundle (out/main/index.js) and preload (out/preload/index.cjs),
// run under plain Node against a recording stand-in of `electron` (test/desktop/stand-in/), one process per
// scenario; every check below is judged from what the app did. Prints how many checks ran; exits 1 on a failure.
// `--no-build` uses out/ as it is; `--no-package` leaves out the package checks (package-checks.mjs).
import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'
import { desktopChecks } from './checks.mjs'
import { packageChecks } from './package-checks.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))
register()
const { API_CHANNELS } = await import('../../src/shared/channels.ts')
const { defaultTrainingConfig } = await import('../../src/shared/training.ts')
const { MENU_VIEWS } = await import('../../src/shared/menu.ts')

if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { cwd: root, stdio: 'pipe' })

/** Run one scenario in its own Node process; its records, exit code and whether it ended by itself. */
function scenario(name, env = {}, appArgs = []) {
  const config = { ...defaultTrainingConfig('linear', 2), epochs: 1000 }
  const child = spawn(process.execPath, ['--import', './test/desktop/stand-in/register.mjs', 'test/desktop/scenario.mjs', name, JSON.stringify(config), ...appArgs], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve) => {
    // NOTE: not a speed limit: a process still alive after two minutes has something keeping it open.
    const hung = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('exit', (code, signal) => {
      clearTimeout(hung)
      const line = stdout.split('\n').find((text) => text.startsWith('@@records '))
      resolve({ name, code, signal, stdout, stderr, records: line ? JSON.parse(line.slice('@@records '.length)) : [] })
    })
  })
}

const runs = {
  normal: await scenario('normal'),
  darwin: await scenario('darwin'),
  sharp: await scenario('failing', { DIGIT_LAB_STAND_IN_BREAK: 'sharp' }),
  onnxruntime: await scenario('failing', { DIGIT_LAB_STAND_IN_BREAK: 'onnxruntime-node' }),
  protocol: await scenario('failing', { DIGIT_LAB_STAND_IN_BREAK: 'protocol.handle' }),
  load: await scenario('failing', { DIGIT_LAB_STAND_IN_BREAK: 'loadURL' }),
  second: await scenario('second-instance', { DIGIT_LAB_STAND_IN_SECOND: '1' }),
  noSandbox: await scenario('no-sandbox', { DIGIT_LAB_STAND_IN_SWITCHES: 'no-sandbox' }),
  cliTrain: await scenario('cli', {}, ['--cli', 'train', '--model', 'linear', '--epochs', '1']),
  cliBadArgs: await scenario('cli', {}, ['--cli', 'train', '--model', 'nonsense']),
}

const { loadBuiltinDataset } = await import('../../src/main/datasets/builtin.ts')
const { shareDataset } = await import('../../src/main/service/shared-dataset.ts')
const { everyNth } = await import('../helpers/datasets.ts')
const trainingInput = async () => ({ shared: shareDataset(everyNth(loadBuiltinDataset('mnist-sample'), 20)), config: { ...defaultTrainingConfig('linear', 2), epochs: 1 } })
const packed = process.argv.includes('--no-package') ? { results: [], sizes: null } : await packageChecks(root, trainingInput)

const results = [...desktopChecks(runs, { channels: Object.values(API_CHANNELS), apiNames: Object.keys(API_CHANNELS), views: MENU_VIEWS.map((view) => view.id) }), ...packed.results]
const failed = results.filter((result) => !result.passed)
for (const result of failed) console.log(`FAIL ${result.name}${result.detail ? `\n     ${result.detail}` : ''}`)
if (packed.sizes) console.log(`package (Linux x64, electron-builder --dir): app.asar ${packed.sizes.asar}, app.asar.unpacked ${packed.sizes.unpacked}, the app's own part ${packed.sizes.app} (Electron itself not included)`)
console.log(`desktop stand-in: ${results.length} checks ran on the built main bundle, preload and Linux package, ${results.length - failed.length} passed, ${failed.length} failed`)
for (const run of Object.values(runs)) {
  const error = run.records.find((entry) => entry.what === 'scenario.error')
  if (error || failed.length) console.log(`--- scenario ${run.name}: exit ${run.code ?? run.signal}${error ? `\n${error.message}` : ''}\n${run.stderr.slice(-2000)}`)
}
process.exitCode = failed.length ? 1 : 0
