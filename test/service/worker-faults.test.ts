import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { TrainingRun } from '../../src/main/service/training-run'
import type { AppEvent } from '../../src/shared/api'
import { defaultTrainingConfig, type TrainingEvent } from '../../src/shared/training'
import { everyNth } from '../helpers/datasets'
import { eventually, settled } from '../helpers/eventually'
import { recordFigures } from '../helpers/figures'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const MB = 2 ** 20

/** Threads of this process, as Linux counts them (the main thread, libuv's pool, V8's, workers). */
const threads = (): number => Number(/^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1])

/** A service whose events can be awaited: `finished(runId)` settles with that run's finished event. */
function observedService(options: Partial<ConstructorParameters<typeof DigitLabService>[0]> = {}) {
  const waiting = new Map<number, (event: TrainingEvent) => void>()
  const progressed = new Map<number, () => void>()
  const app = new DigitLabService({
    version: 'test',
    ...options,
    emit: (event: AppEvent) => {
      if (event.kind !== 'training') return
      if (event.event.kind === 'progress') progressed.get(event.runId)?.()
      if (event.event.kind === 'finished') waiting.get(event.runId)?.(event.event)
    },
  })
  return {
    app,
    finished: (runId: number) => new Promise<TrainingEvent>((resolve) => waiting.set(runId, resolve)),
    firstProgress: (runId: number) => new Promise<void>((resolve) => progressed.set(runId, resolve)),
  }
}

let crashMessage = ''
const longRun = { ...defaultTrainingConfig('simple_net', 2), epochs: 1000 }

describe('a training worker that crashes', () => {
  it('runs out of heap (a real V8 out-of-memory in the worker): reported as crashed, and the app carries on', async () => {
    const { app, finished } = observedService({ workerLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 } })
    await app.openSample('mnist-sample')
    const { runId } = await app.startTraining(longRun)
    const event = await finished(runId)
    expect(event).toMatchObject({ kind: 'finished', status: 'crashed', epochsDone: 0 })
    expect(event.kind === 'finished' && event.message).toMatch(/the training worker crashed: .*memory/i)
    await expect.poll(() => app.lastRunOutcome?.status).toBe('crashed')
    expect(app.lastRunOutcome?.state).toBeNull()
    crashMessage = event.kind === 'finished' ? event.message : ''
    // The same service answers, pages its dataset, and accepts the next run.
    expect((await app.engineStatus()).ready).toBe(true)
    expect((await app.imagePage({ split: 'valid', offset: 0, limit: 2 })).images).toHaveLength(2)
    const next = await app.startTraining(longRun)
    expect(next.runId).toBe(runId + 1)
    expect(await finished(next.runId)).toMatchObject({ status: 'crashed' })
    // And a worker with the normal limits trains to the end in this same process.
    const small = everyNth(loadBuiltinDataset('mnist-sample'), 20)
    const outcome = await new TrainingRun(small, { ...longRun, epochs: 1 }, () => undefined).outcome
    expect(outcome.status).toBe('completed')
  })
})

describe('starting and stopping training 20 times in a row', () => {
  it('leaks nothing: threads back to where they were, heap and RSS growth bounded', async () => {
    const { app, finished, firstProgress } = observedService()
    await app.openSample('mnist-sample')
    const cycle = async (): Promise<TrainingEvent> => {
      const { runId } = await app.startTraining(longRun)
      const done = finished(runId)
      await firstProgress(runId)
      await app.stopTraining()
      return done
    }
    // Idle: the last run's worker is ending (its interpretation sent) and the next run's spare is warm.
    const idle = async (): Promise<void> => {
      await app.interpretation()
      await app.workerReady()
    }
    await cycle() // warm-up: modules, the shared dataset copy, the wasm kernel
    await idle()
    const baseThreads = await settled(threads) // the warm-up worker's threads gone
    gc()
    const before = { threads: baseThreads, heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss }
    const statuses: string[] = []
    for (let i = 0; i < 20; i++) {
      const event = await cycle()
      statuses.push(event.kind === 'finished' ? event.status : event.kind)
    }
    await idle()
    const afterThreads = await eventually(threads, (count) => count <= before.threads)
    gc()
    const after = { threads: afterThreads, heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss }
    const growth = { heapMB: (after.heap - before.heap) / MB, rssMB: (after.rss - before.rss) / MB }
    recordFigures('start-stop', { cycles: 20, threadsBefore: before.threads, threadsAfter: after.threads, ...growth, crashMessage })
    expect(statuses).toEqual(Array(20).fill('stopped'))
    expect(after.threads, `threads ${before.threads} → ${after.threads}`).toBeLessThanOrEqual(before.threads)
    expect(growth.heapMB, JSON.stringify(growth)).toBeLessThan(8)
    expect(growth.rssMB, JSON.stringify(growth)).toBeLessThan(120)
  })
})
