import { describe, expect, it } from 'vitest'
import { runTrain } from '../../src/main/cli/train'
import { parseTrainArgs, resolveTrainingConfig } from '../../src/main/cli/train-args'
import { formatLrFind } from '../../src/main/cli/train-tools'
import type { LrFindResult } from '../../src/main/engine'
import { capture } from '../helpers/capture'

describe('digit-lab train: the going-deeper flags', () => {
  it('gives cnn and resnet18 their one-cycle defaults and takes the new options', () => {
    const cnn = resolveTrainingConfig(parseTrainArgs(['--model', 'cnn']), 10)
    expect(cnn).toMatchObject({ model: { kind: 'cnn', channels: [16, 32, 64, 128] }, schedule: 'one-cycle', optimizer: 'adam', loss: 'ce', augment: false })
    const resnet = resolveTrainingConfig(parseTrainArgs(['--model', 'resnet18']), 2)
    expect(resnet).toMatchObject({ model: { kind: 'resnet18' }, schedule: 'one-cycle', epochs: 1, lr: 0.1, batchSize: 64, loss: 'ce' })
    const request = parseTrainArgs(['--model', 'cnn', '--channels', '8,16', '--augment', '--clip', '2', '--lr-find', '--interpret', '--schedule', 'constant'])
    expect(request).toMatchObject({ lrFind: true, interpret: true })
    expect(resolveTrainingConfig(request, 10)).toMatchObject({ model: { kind: 'cnn', channels: [8, 16] }, augment: true, gradClip: 2, schedule: 'constant' })
    expect(resolveTrainingConfig(parseTrainArgs(['--model', 'simple_net', '--one-cycle']), 2).schedule).toBe('one-cycle')
    expect(() => resolveTrainingConfig(parseTrainArgs(['--model', 'mlp', '--channels', '8']), 10)).toThrow(/--channels does not apply/)
    expect(() => parseTrainArgs(['--schedule', 'cosine'])).toThrow(/--schedule must be one of constant, one-cycle/)
  })

  it('--lr-find prints the curve and a suggestion naming its rule, and leaves the model untrained', async () => {
    const { stream, lines } = capture()
    const summary = await runTrain(['--model', 'simple_net', '--lr-find', '--epochs', '0'], stream)
    expect(lines[0]).toMatch(/^learning-rate finder: 100 steps from 1\.0e-7/)
    expect(lines.some((line) => line.includes('•'))).toBe(true)
    expect(lines.find((line) => line.startsWith('suggested lr'))).toMatch(/by valley \(fastai's default\)/)
    expect(summary.epochs).toBe(0)
  })

  it('--print-model prints the module tree, with the conv → batch norm → ReLU stages fused', async () => {
    const { stream, lines } = capture()
    await runTrain(['--model', 'cnn', '--channels', '4', '--from', 'scratch', '--epochs', '0', '--print-model'], stream)
    const tree = lines.join('\n')
    expect(tree).toContain('Sequential(\n  (0): ConvBatchNorm2d(\n    (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)')
    expect(tree).toContain('  (1): Identity()')
  })

  it('--interpret prints the confusion matrix and the most-confused pairs as JSON', async () => {
    const { stream, lines } = capture()
    await runTrain(['--model', 'linear', '--epochs', '1', '--interpret', '--json'], stream)
    const { interpretation } = JSON.parse(lines.find((line) => line.includes('"interpretation"'))!)
    expect(interpretation.labelNames).toEqual(['3', '7'])
    expect(interpretation.confusionMatrix.flat().reduce((s: number, n: number) => s + n, 0)).toBe(2038)
    expect(interpretation.topLosses).toHaveLength(9)
    for (const pair of interpretation.mostConfused) expect(pair.actual).not.toBe(pair.predicted)
  })

  it('draws the finder\'s curve with the suggestion marked under it', () => {
    const lrs = Array.from({ length: 40 }, (_, i) => 1e-6 * 10 ** (i / 5))
    const losses = lrs.map((_, i) => (i < 30 ? 2 - i * 0.05 : 0.5 + (i - 30) * 0.5))
    const result: LrFindResult = {
      lrs, losses, rawLosses: losses, stopReason: 'diverged',
      suggestion: { lr: lrs[15], rule: 'valley', description: 'valley (fastai\'s default): …' },
      suggestions: { valley: lrs[15], minimum: lrs[29] / 10, steep: lrs[20] },
    }
    const lines = formatLrFind(result)
    expect(lines[0]).toContain('stopped when the loss passed 4× its minimum')
    const marker = lines.find((line) => line.trim() === '^')!
    // the marker sits under the 15th of 40 steps, spread over 60 columns after the 11-column axis
    expect(marker.indexOf('^') - 11).toBe(Math.round((15 / 39) * 59))
    expect(lines.at(-2)).toMatch(/^suggested lr 1\.0e-3 by valley/)
  })
})
