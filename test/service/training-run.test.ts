import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { availableParallelism } from 'node:os'
import { createLearner, fitFromConfig } from '../../src/main/engine'
import { kernelProvider, setThreads, startingProvider, threadsReady, useProvider } from '../../src/main/engine/kernels'
import { TrainingRun } from '../../src/main/service/training-run'
import { defaultTrainingConfig, type TrainingConfig, type TrainingEvent } from '../../src/shared/training'
import { everyNth } from '../helpers/datasets'

const small = everyNth(loadBuiltinDataset('mnist-sample'), 10)
const config = (overrides: Partial<TrainingConfig> = {}): TrainingConfig => ({ ...defaultTrainingConfig('simple_net', 2), epochs: 2, ...overrides })

function start(overrides: Partial<TrainingConfig> = {}, onEvent: (event: TrainingEvent, run: TrainingRun) => void = () => {}) {
  const events: TrainingEvent[] = []
  const run: TrainingRun = new TrainingRun(small, config(overrides), (event) => {
    events.push(event)
    onEvent(event, run)
  })
  return { run, events }
}

describe('TrainingRun (real engine in a real worker thread)', () => {
  it('streams every batch loss, one event per epoch, then the weights', async () => {
    const { run, events } = start()
    const outcome = await run.outcome
    const batches = 2 * Math.ceil(small.train.count / 256)
    const streamed = events.flatMap((e) => (e.kind === 'progress' ? e.losses : []))
    expect(outcome.status).toBe('completed')
    expect(outcome.epochsDone).toBe(2)
    expect(streamed).toEqual(outcome.batchLosses)
    expect(streamed).toHaveLength(batches)
    expect(events.filter((e) => e.kind === 'epoch').map((e) => e.kind === 'epoch' && e.record.epoch)).toEqual([0, 1])
    expect(events.at(-1)).toMatchObject({ kind: 'finished', status: 'completed', epochsDone: 2 })
    expect(Object.keys(outcome.state!)).toEqual(['1.weight', '1.bias', '3.weight', '3.bias'])
    const progress = events.find((e) => e.kind === 'progress')
    expect(progress).toMatchObject({ epochs: 2, batches: Math.ceil(small.train.count / 256) })
    expect(progress?.kind === 'progress' && progress.imagesPerSecond).toBeGreaterThan(0)
  })

  it('gives the same losses, bit for bit, as the same run in this thread (same seed)', async () => {
    const [a, b] = await Promise.all([start({ seed: 9 }).run.outcome, start({ seed: 9 }).run.outcome])
    const here = createLearner(small, config({ seed: 9 }))
    await here.fit(2)
    expect(a.batchLosses).toEqual(here.recorder.batchLosses)
    expect(b.batchLosses).toEqual(here.recorder.batchLosses)
  })

  it('trains the CNN on the default kernels to the bits of this thread (the app and the CLI agree)', async () => {
    const cnn: TrainingConfig = { ...defaultTrainingConfig('cnn', 2), epochs: 1, seed: 3 }
    const inWorker = await new TrainingRun(small, cnn, () => {}).outcome
    useProvider(startingProvider())
    setThreads(Math.min(availableParallelism(), 8))
    await threadsReady()
    expect(kernelProvider(), 'the default kernels in CI are the native ones').toBe('native')
    const here = createLearner(small, cnn)
    await fitFromConfig(here, cnn)
    expect(inWorker.status).toBe('completed')
    expect(inWorker.batchLosses).toEqual(here.recorder.batchLosses)
  })

  it('stops within one batch of Stop and keeps the model as it stands; every loss it recorded is streamed', async () => {
    let stopped = false
    const { run, events } = start({ epochs: 50 }, (event, self) => {
      if (event.kind === 'progress' && !stopped) {
        stopped = true
        self.stop()
      }
    })
    const outcome = await run.outcome
    expect(outcome.status).toBe('stopped')
    expect(outcome.batchLosses.length).toBeLessThan(10)
    expect(events.flatMap((e) => (e.kind === 'progress' ? e.losses : []))).toEqual(outcome.batchLosses)
    expect(Object.values(outcome.state!).every((values) => values.every(Number.isFinite))).toBe(true)
  })

  it('closes a CNN run mid-step (the app quitting) without taking the process down, again and again', async () => {
    // worker.terminate() inside a traced step's onnxruntime call aborted this whole process ("terminate called after
    // throwing an instance of 'Napi::Error'") within a few closes.
    for (let round = 0; round < 6; round++) {
      const cnn: TrainingConfig = { ...defaultTrainingConfig('cnn', 2), epochs: 3, seed: round }
      let training: () => void = () => {}
      const started = new Promise<void>((resolve) => (training = resolve))
      let batches = 0
      const run = new TrainingRun(small, cnn, (event) => event.kind === 'progress' && ++batches > round % 3 && training())
      await started
      await run.close()
      const outcome = await run.outcome
      expect(outcome.status).toBe('crashed')
      expect(outcome.message).toBe('the app closed before the run ended')
    }
  })

  it('reports a diverging run with its reason and the last good weights', async () => {
    const outcome = await start({ lr: 1e30, loss: 'ce' }).run.outcome
    expect(outcome.status).toBe('diverged')
    expect(outcome.message).toMatch(/not a finite number.*10× lower/)
    expect(Object.values(outcome.state!).every((values) => values.every(Number.isFinite))).toBe(true)
  })

  it('reports a run that cannot start as crashed, and the app carries on', async () => {
    const outcome = await start({ loss: 'mnist', batchSize: 0 }).run.outcome
    expect(outcome.status).toBe('crashed')
    expect(outcome.message).toMatch(/batch size must be a whole number ≥ 1, got 0/)
    expect((await start({ epochs: 1 }).run.outcome).status).toBe('completed')
  })
})
