import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { parseTrainArgs } from '../../src/main/cli/train-args'
import { runTrain } from '../../src/main/cli/train'
import { MAX_THREADS, setThreads, threads, threadsReady } from '../../src/main/engine'

/** The per-epoch JSON lines of a run, without their timings. */
async function epochs(argv: string[]): Promise<unknown[]> {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  await runTrain(argv, stream)
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((o) => 'epoch' in o).map(({ seconds: _, ...rest }) => rest)
}

describe('digit-lab train --threads', () => {
  afterEach(() => setThreads(1))

  it('defaults to every core (up to the engine’s most) and takes 1 to MAX_THREADS', () => {
    expect(parseTrainArgs([]).threads).toBeGreaterThanOrEqual(1)
    expect(parseTrainArgs([]).threads).toBeLessThanOrEqual(MAX_THREADS)
    expect(parseTrainArgs(['--threads', '2']).threads).toBe(2)
    for (const bad of ['0', '1.5', String(MAX_THREADS + 1), 'all']) {
      expect(() => parseTrainArgs(['--threads', bad])).toThrow(/--threads must be a valid number/)
    }
  })

  // The CNN's products, conv passes and batch norms are cut among the threads too (by rows and channels). Only
  // the WebAssembly kernels promise this; MLAS may split a long sum among threads (see docs/BENCHMARKS.md).
  it.each([
    ['simple_net', ['--model', 'simple_net', '--epochs', '2']],
    ['the CNN', ['--model', 'cnn', '--channels', '16,32,64', '--epochs', '1', '--bs', '128']],
  ])('trains %s to the same losses, bit for bit, on one thread and on two', async (_name, model) => {
    const argv = [...model, '--json', '--seed', '4', '--kernels', 'wasm']
    const one = await epochs([...argv, '--threads', '1'])
    expect(threads()).toBe(1)
    setThreads(2)
    await threadsReady()
    const two = await epochs([...argv, '--threads', '2'])
    expect(threads()).toBe(2)
    expect(two).toEqual(one)
  })

  it.each([1, 2])('trains the CNN to the same losses, bit for bit, twice on %i thread(s) with the native kernels', async (count) => {
    const argv = ['--model', 'cnn', '--channels', '8,16,32', '--epochs', '1', '--bs', '128', '--json', '--seed', '5', '--threads', String(count), '--kernels', 'native']
    const first = await epochs(argv)
    expect(await epochs(argv)).toEqual(first)
  })
})
