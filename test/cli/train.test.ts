import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli'
import { runTrain } from '../../src/main/cli/train'
import { loadModel } from '../../src/main/storage/model-file'
import { capture } from '../helpers/capture'
import { tempFolder } from '../helpers/temp-folder'

describe('digit-lab train', () => {
  it('prints one JSON object per epoch and a final summary with --json', async () => {
    const { stream, lines } = capture()
    await runTrain(['--model', 'linear', '--epochs', '2', '--json', '--seed', '3'], stream)
    const objects = lines.map((line) => JSON.parse(line))
    expect(objects).toHaveLength(3)
    expect(objects[0]).toMatchObject({ epoch: 0 })
    expect(objects[1]).toMatchObject({ epoch: 1 })
    expect(objects[2]).toMatchObject({ model: 'linear', data: 'mnist-sample', epochs: 2, seed: 3 })
    for (const key of ['seconds', 'trainLoss', 'validLoss', 'accuracy']) expect(typeof objects[2][key]).toBe('number')
    expect(objects[2].accuracy).toBeGreaterThan(0.8)
  })

  it('prints the fastai-style table and a summary line, identical for the same seed', async () => {
    const run = async () => {
      const { stream, lines } = capture()
      await runTrain(['--model', 'simple_net', '--epochs', '2', '--seed', '5'], stream)
      return lines
    }
    const first = await run()
    expect(first[0].split(/\s+/)).toEqual(['epoch', 'train_loss', 'valid_loss', 'batch_accuracy', 'time'])
    expect(first).toHaveLength(4)
    expect(first[3]).toMatch(/^simple_net on mnist-sample: accuracy 0\.\d{4} \(3: 0\.\d{4}, 7: 0\.\d{4}\) after 2 epochs/)
    const strip = (lines: string[]) => lines.slice(1, 3).map((line) => line.split(/\s+/).slice(0, 4).join(' '))
    expect(strip(await run())).toEqual(strip(first))
  })

  it('saves a model file that loads back with its labels and weights', async () => {
    const folder = await tempFolder('cli')
    const path = join(folder, 'model.json')
    await runTrain(['--model', 'simple_net', '--epochs', '1', '--save', path], capture().stream)
    const saved = await loadModel(path)
    expect(saved.labelNames).toEqual(['3', '7'])
    expect(saved.model).toEqual({ kind: 'simple_net', hidden: 30 })
    expect(Object.fromEntries(Object.entries(saved.state).map(([name, v]) => [name, v.length]))).toEqual({
      '1.weight': 30 * 784, '1.bias': 30, '3.weight': 30, '3.bias': 1,
    })
    expect(await readdir(folder)).toEqual(['model.json'])
  })

  it('exits with 2 and a usage message on bad arguments', async () => {
    for (const argv of [['train', '--epochs', 'x'], ['train', '--model', 'gpt'], ['train', '--bogus'], ['fly'], []]) {
      expect(await main(argv)).toBe(2)
    }
  })

  it('exits with 1 and a reason when the run cannot start', async () => {
    expect(await main(['train', '--data', 'mnist', '--loss', 'mnist', '--epochs', '1'])).toBe(1)
    expect(await main(['train', '--data', 'no-such-dataset'])).toBe(1)
  })

  it('refuses a run larger than --memory-limit before training, saying what would fit', async () => {
    const { stream, lines } = capture()
    const refused = runTrain(['--model', 'resnet18', '--bs', '512', '--memory-limit', '300', '--json'], stream)
    await expect(refused).rejects.toThrow(/would need about .* more than the 300 MB Digit Lab allows itself: lower the batch size to \d+ or less/)
    expect(lines).toEqual([])
    expect(await main(['train', '--memory-limit', '-5'])).toBe(2)
  })
})

describe('the digit-lab bin', () => {
  it('runs from the package bin through tsx, with exit codes', async () => {
    const { spawnSync } = await import('node:child_process')
    const run = (args: string[]) => spawnSync(process.execPath, ['bin/digit-lab.mjs', ...args], { encoding: 'utf8' })
    const ok = run(['train', '--model', 'pixel', '--json'])
    expect(ok.status).toBe(0)
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ model: 'pixel', epochs: 0 })
    const bad = run(['train', '--lr', '0'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--lr must be a valid number.*\nusage: digit-lab train/s)
  })
})
