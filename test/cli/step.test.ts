import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { parseTrainArgs } from '../../src/main/cli/train-args'
import { runTrain } from '../../src/main/cli/train'
import { useProvider } from '../../src/main/engine/kernels'
import { setStepMode } from '../../src/main/engine/traced/mode'

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() })

describe('digit-lab train --step', () => {
  afterEach(() => {
    useProvider('native')
    setStepMode('graph')
  })

  it('takes graph or ops, and names the choices for anything else', () => {
    expect(parseTrainArgs(['--step', 'ops']).step).toBe('ops')
    expect(parseTrainArgs(['--step', 'graph']).step).toBe('graph')
    expect(() => parseTrainArgs(['--step', 'fast'])).toThrow(/--step/)
  })

  it('says which step trained: graph by default with the native kernels, ops with --kernels wasm or --step ops', async () => {
    const argv = ['--model', 'simple_net', '--epochs', '1', '--json', '--threads', '1']
    expect((await runTrain([...argv, '--kernels', 'native'], quiet)).step).toBe('graph')
    expect((await runTrain([...argv, '--kernels', 'native', '--step', 'ops'], quiet)).step).toBe('ops')
    expect((await runTrain([...argv, '--kernels', 'wasm'], quiet)).step).toBe('ops')
  })

  it('keeps the per-op step for a model with a single layer of weights (measured faster), even in graph mode', async () => {
    expect((await runTrain(['--model', 'linear', '--epochs', '1', '--json', '--threads', '1', '--kernels', 'native'], quiet)).step).toBe('ops')
  })
})
