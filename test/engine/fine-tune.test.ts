import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import type { DigitDataset } from '../../src/main/engine/data/dataset'
import { discriminativeScales, parameterGroups } from '../../src/main/engine/learner/fine-tune'
import { createLearner, fitFromConfig } from '../../src/main/engine/learner/recipe'
import { BatchNorm2d } from '../../src/main/engine/nn/normalization'
import { plainChildren } from '../../src/main/engine/nn/fuse'
import { loadStartingPoint } from '../../src/main/engine/pretrained/starting-points'
import { digitOf, headPrefix, matchLabels } from '../../src/main/engine/pretrained/transfer'
import { defaultTrainingConfig, type FineTune, type TrainingConfig } from '../../src/shared/training'
import { everyNth } from '../helpers/datasets'

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']

describe('label matching by name', () => {
  it('reads a digit from a name of decimal digits worth 0–9, zero-padded or not', () => {
    expect(['0', '7', '07', '007', '9'].map(digitOf)).toEqual([0, 7, 7, 7, 9])
    expect(['10', '7a', 'seven', ' 7', '-1', '', '7.0', '٧'].map(digitOf)).toEqual([null, null, null, null, null, null, null, null])
  })

  it('keeps every digit row for 0–9 in any order, and the rows of a subset', () => {
    expect(matchLabels(DIGITS, DIGITS)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(matchLabels(DIGITS, ['3', '7'])).toEqual([3, 7])
    expect(matchLabels(DIGITS, ['9', '0'])).toEqual([9, 0])
  })

  it('takes 07 as the digit 7 (zero-padded folder names), but not both 7 and 07', () => {
    expect(matchLabels(DIGITS, ['03', '07'])).toEqual([3, 7])
    expect(matchLabels(DIGITS, ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(matchLabels(DIGITS, ['7', '07'])).toBeNull()
  })

  it('gives unrelated names, or digits mixed with other names, a fresh head', () => {
    expect(matchLabels(DIGITS, ['cat', 'dog'])).toBeNull()
    expect(matchLabels(DIGITS, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'])).toBeNull()
    expect(matchLabels(DIGITS, ['3', '7', 'x'])).toBeNull()
    expect(matchLabels(DIGITS, ['10', '11'])).toBeNull()
  })
})

const sample = everyNth(loadBuiltinDataset('mnist-sample'), 40)
const withLabels = (dataset: DigitDataset, labelNames: string[]): DigitDataset => ({ ...dataset, labelNames })

function fineTuneConfig(fineTune: Partial<FineTune> = {}, overrides: Partial<TrainingConfig> = {}): TrainingConfig {
  return {
    ...defaultTrainingConfig('cnn', 10),
    batchSize: 32,
    epochs: 2,
    lr: 2e-3,
    start: { kind: 'pretrained', id: 'mnist-cnn' },
    fineTune: { freezeEpochs: 1, lrMult: 100, bn: 'train', ...fineTune },
    ...overrides,
  }
}

describe('a run from the MNIST CNN starting point', () => {
  const point = loadStartingPoint('mnist-cnn')

  it('starts with the starting point body and the rows of its own digits', () => {
    const learner = createLearner(sample, fineTuneConfig())
    const state = learner.model.stateDict()
    const head = headPrefix(learner.model)
    for (const [name, values] of Object.entries(state)) {
      if (!name.startsWith(head)) expect(values).toEqual(point.state[name])
    }
    const width = point.state[`${head}weight`].length / 10
    expect(state[`${head}weight`]).toEqual(Float32Array.from([...point.state[`${head}weight`].subarray(3 * width, 4 * width), ...point.state[`${head}weight`].subarray(7 * width, 8 * width)]))
    expect(Array.from(state[`${head}bias`])).toEqual([point.state[`${head}bias`][3], point.state[`${head}bias`][7]])
  })

  it('reads 3s and 7s before any training, as the digits it knows', () => {
    const learner = createLearner(sample, fineTuneConfig())
    expect(learner.validate().metrics.accuracy).toBeGreaterThan(0.97)
  })

  it('puts a fresh head on the trained body for labels that are not digits', () => {
    const learner = createLearner(withLabels(sample, ['left', 'right']), fineTuneConfig())
    const scratch = createLearner(withLabels(sample, ['left', 'right']), { ...fineTuneConfig(), start: { kind: 'scratch' } })
    const head = headPrefix(learner.model)
    expect(learner.model.stateDict()[`${head}weight`]).toEqual(scratch.model.stateDict()[`${head}weight`])
    expect(learner.model.stateDict()['0.weight']).toEqual(point.state['0.weight'])
  })

  it('moves only the head (and batch norm, fastai-style) while frozen', async () => {
    const learner = createLearner(sample, fineTuneConfig({ freezeEpochs: 1 }, { epochs: 1 }))
    const before = learner.model.stateDict()
    await fitFromConfig(learner, fineTuneConfig({ freezeEpochs: 1 }, { epochs: 1 }))
    const after = learner.model.stateDict()
    const bn = new Set(plainChildren(learner.model).filter(([, m]) => m instanceof BatchNorm2d).flatMap(([i]) => [`${i}.weight`, `${i}.bias`, `${i}.runningMean`, `${i}.runningVar`]))
    const head = headPrefix(learner.model)
    for (const [name, values] of Object.entries(after)) {
      if (name.startsWith(head) || bn.has(name)) expect(values, name).not.toEqual(before[name])
      else expect(values, name).toEqual(before[name])
    }
  })

  it('keeps batch norm exactly as the starting point had it with bn "frozen", while frozen', async () => {
    const config = fineTuneConfig({ freezeEpochs: 1, bn: 'frozen' }, { epochs: 1 })
    const learner = createLearner(sample, config)
    const before = learner.model.stateDict()
    await fitFromConfig(learner, config)
    const after = learner.model.stateDict()
    const head = headPrefix(learner.model)
    for (const [name, values] of Object.entries(after)) {
      if (name.startsWith(head)) expect(values, name).not.toEqual(before[name])
      else expect(values, name).toEqual(before[name])
    }
    const norms = plainChildren(learner.model).filter(([, m]) => m instanceof BatchNorm2d)
    expect(norms.length).toBeGreaterThan(0)
    expect(norms.some(([, m]) => (m as BatchNorm2d).statsFrozen)).toBe(false)
  })

  it('with bn "frozen", trains the batch norm weights after the freeze but never its statistics', async () => {
    const config = fineTuneConfig({ freezeEpochs: 1, bn: 'frozen' }, { epochs: 2 })
    const learner = createLearner(sample, config)
    const before = learner.model.stateDict()
    await fitFromConfig(learner, config)
    const after = learner.model.stateDict()
    for (const [name, values] of Object.entries(after)) {
      if (/running(Mean|Var)$/.test(name)) expect(values, name).toEqual(before[name])
      else expect(values, name).not.toEqual(before[name])
    }
  })

  it('trains every group after the freeze, the first at 1/lrMult of the head', async () => {
    const scales: { epoch: number; scales: number[] }[] = []
    let epoch = 0
    const config = fineTuneConfig()
    const learner = createLearner(sample, config, [
      { beforeBatch: (_l, at) => void (epoch = at.epoch), afterBatch: () => scales.push({ epoch, scales: [...learner.opt.lrScales] }) },
    ])
    const groups = parameterGroups(learner.model, headPrefix(learner.model))
    expect(groups.map((g) => g.length)).toEqual([3, 3, 3, 3, 2])
    const discriminative = discriminativeScales(5, 100)
    expect(discriminative.map((s) => Number(s.toPrecision(6)))).toEqual([0.01, 0.0316228, 0.1, 0.316228, 1])
    await fitFromConfig(learner, config)
    const byName = learner.model.namedParameters().map(([name]) => name)
    const frozen = scales.find((s) => s.epoch === 0)!.scales
    const unfrozen = scales.find((s) => s.epoch === 1)!.scales
    // conv weights frozen, batch norms at a tenth, the head at 1; then stage by stage 1/100 … 1
    expect(byName.map((name, i) => [name, frozen[i]])).toEqual(byName.map((name) => [name, name.startsWith('14.') ? 1 : /^(1|4|7|10)\./.test(name) ? 0.1 : 0]))
    expect(unfrozen).toEqual(groups.flatMap((group, g) => group.map(() => discriminative[g])))
    expect(learner.opt.lrScales).toEqual([])
  })

  it('gives the same losses, bit for bit, for the same seed', async () => {
    const run = async () => {
      const learner = createLearner(sample, fineTuneConfig())
      await fitFromConfig(learner, fineTuneConfig())
      return learner.recorder.batchLosses
    }
    expect(await run()).toEqual(await run())
  })
})
