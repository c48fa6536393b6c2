import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { MAX_THREADS } from '../../src/main/engine/kernels'
import { TrainingRun, type RunOutcome } from '../../src/main/service/training-run'
import { MAX_TRAINING_THREADS, TrainingConfigSchema, defaultTrainingConfig } from '../../src/shared/training'
import * as v from 'valibot'
import { everyNth } from '../helpers/datasets'

const small = everyNth(loadBuiltinDataset('mnist-sample'), 10)
/** This process's OS threads now (Linux), the training worker's and its helpers' among them. */
const osThreads = (): number => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1])

/** Train a short CNN run asking for `threads`; the OS threads counted at its first progress event, and its outcome. */
async function run(threads: number | undefined): Promise<{ during: number; outcome: RunOutcome }> {
  let during = 0
  const config = { ...defaultTrainingConfig('cnn', 2), epochs: 1, batchSize: 64, kernels: 'wasm' as const, ...(threads === undefined ? {} : { threads }) }
  const training = new TrainingRun(small, config, (event) => {
    if (event.kind === 'progress' && during === 0) during = osThreads()
  })
  const outcome = await training.outcome
  await training.interpretation
  return { during, outcome }
}

/** The app's training worker computes on all cores unless told otherwise; with the WebAssembly kernels the count never changes a bit. */
describe('training threads', () => {
  it('starts one helper thread per extra core asked for, all cores by default, never more than the computer has', async () => {
    const cores = availableParallelism()
    const one = await run(1)
    const all = await run(undefined)
    const tooMany = await run(8)
    expect(all.during - one.during, 'helpers beside the worker, by default').toBe(Math.min(cores, 8) - 1)
    expect(tooMany.during, 'more threads than cores are taken as all cores').toBe(all.during)
    for (const result of [one, all, tooMany]) expect(result.outcome.status).toBe('completed')
    expect(all.outcome.batchLosses).toEqual(one.outcome.batchLosses)
    expect(tooMany.outcome.batchLosses).toEqual(one.outcome.batchLosses)
    expect(all.outcome.state).toEqual(one.outcome.state)
  })

  it('takes 1 to the engine\'s most threads in the api schema, and nothing else', () => {
    expect(MAX_TRAINING_THREADS).toBe(MAX_THREADS)
    const config = defaultTrainingConfig('simple_net', 2)
    for (const threads of [1, MAX_THREADS]) expect(v.safeParse(TrainingConfigSchema, { ...config, threads }).success).toBe(true)
    for (const threads of [0, -1, 1.5, MAX_THREADS + 1, Number.NaN, '2']) expect(v.safeParse(TrainingConfigSchema, { ...config, threads }).success, String(threads)).toBe(false)
  })
})
