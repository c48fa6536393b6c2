import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
// As the app's spawnWorker does: the workers' onnxruntime reads its telemetry switch from this thread's environment.
import '../../src/main/onnx/telemetry-off'
import { shareDataset } from '../../src/main/service/shared-dataset'
import type { FromWorker } from '../../src/main/worker/protocol'
import { defaultTrainingConfig } from '../../src/shared/training'
import { everyNth } from '../helpers/datasets'

// `npm run build` must produce the app's bundles here, without the Electron binary.
describe('the built app', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { stdio: 'pipe' })
  }, 120_000)

  it('has main, preload, training worker and renderer bundles', () => {
    for (const file of ['out/main/index.js', 'out/main/training-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      expect(existsSync(file), file).toBe(true)
    }
    expect(readFileSync('out/renderer/index.html', 'utf8')).toContain("default-src 'self'")
  })

  it('runs the bundled training worker in a plain worker thread', async () => {
    const worker = new Worker('./out/main/training-worker.js')
    const dataset = shareDataset(everyNth(loadBuiltinDataset('mnist-sample'), 20))
    const result = new Promise<FromWorker>((resolve, reject) => {
      // A worker says `ready` once its engine is loaded (the service keeps one warm), then events, then its result.
      worker.on('message', (message: FromWorker) => message.type !== 'event' && message.type !== 'ready' && resolve(message))
      worker.on('error', reject)
    })
    worker.postMessage({ type: 'start', dataset, config: { ...defaultTrainingConfig('linear', 2), epochs: 1 } })
    const message = await result
    await worker.terminate()
    expect(message).toMatchObject({ type: 'result', status: 'completed', epochsDone: 1 })
  })

  it('ships the starting points beside the bundle, and its worker fine-tunes from them', async () => {
    expect(existsSync('out/main/pretrained/mnist-cnn.safetensors')).toBe(true)
    const worker = new Worker('./out/main/training-worker.js')
    const dataset = shareDataset(everyNth(loadBuiltinDataset('mnist-sample'), 40))
    const result = new Promise<FromWorker>((resolve, reject) => {
      // A worker says `ready` once its engine is loaded (the service keeps one warm), then events, then its result.
      worker.on('message', (message: FromWorker) => message.type !== 'event' && message.type !== 'ready' && resolve(message))
      worker.on('error', reject)
    })
    const config = { ...defaultTrainingConfig('cnn', 10), epochs: 1, batchSize: 64, start: { kind: 'pretrained', id: 'mnist-cnn' }, fineTune: { freezeEpochs: 1, lrMult: 100, bn: 'train' } }
    worker.postMessage({ type: 'start', dataset, config })
    const message = await result
    await worker.terminate()
    expect(message).toMatchObject({ type: 'result', status: 'completed', epochsDone: 1 })
    expect(message.type === 'result' && message.validation!.metrics.accuracy).toBeGreaterThan(0.95)
  })
})
