// `npm run test:desktop`: the real built main bundle (out/main/index.js) and preload (out/preload/index.cjs),
// run under plain Node against a recording stand-in of `electron` (test/desktop/stand-in/), one process per
// scenario; every check below is judged from what the app did. Prints how many checks ran; exits 1 on a failure.
// `--no-build` uses out/ as it is (npm test builds it first).
import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'
import { desktopChecks } from './checks.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))
register()
const { API_CHANNELS } = await import('../../src/shared/channels.ts')
const { defaultTrainingConfig } = await import('../../src/shared/training.ts')
const { MENU_VIEWS } = await import('../../src/shared/menu.ts')

if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { cwd: root, stdio: 'pipe' })

/** Run one scenario in its own Node process; its records, exit code and whether it ended by itself. */
function scenario(name, env = {}) {
  const config = { ...defaultTrainingConfig('linear', 2), epochs: 1000 }
  const child = spawn(process.execPath, ['--import', './test/desktop/stand-in/register.mjs', 'test/desktop/scenario.mjs', name, JSON.stringify(config)], {
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
      resolve({ name, code, signal, stderr, records: line ? JSON.parse(line.slice('@@records '.length)) : [] })
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
}

const results = desktopChecks(runs, { channels: Object.values(API_CHANNELS), apiNames: Object.keys(API_CHANNELS), views: MENU_VIEWS.map((view) => view.id) })
const failed = results.filter((result) => !result.passed)
for (const result of failed) console.log(`FAIL ${result.name}${result.detail ? `\n     ${result.detail}` : ''}`)
console.log(`desktop stand-in: ${results.length} checks ran on the built main bundle and preload, ${results.length - failed.length} passed, ${failed.length} failed`)
for (const run of Object.values(runs)) {
  const error = run.records.find((entry) => entry.what === 'scenario.error')
  if (error || failed.length) console.log(`--- scenario ${run.name}: exit ${run.code ?? run.signal}${error ? `\n${error.message}` : ''}\n${run.stderr.slice(-2000)}`)
}
process.exitCode = failed.length ? 1 : 0
