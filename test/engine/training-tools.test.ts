import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import {
  Adam, DataLoader, Interpretation, Learner, Linear, SGD, Sequential, Flatten, TensorDataset, clipGradNorm, createLearner,
  crossEntropy, fromArray, oneCycleAt, randn, Random, suggestLearningRates, type DigitDataset,
} from '../../src/main/engine'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'

const sample = loadBuiltinDataset('mnist-sample')

/** Every `step`-th image of each split. */
function subset(dataset: DigitDataset, step: number): DigitDataset {
  const take = (split: DigitDataset['train']) => {
    const rows = Array.from({ length: Math.ceil(split.count / step) }, (_, i) => i * step)
    const pixels = new Uint8Array(rows.length * 784)
    rows.forEach((row, i) => pixels.set(split.pixels.subarray(row * 784, (row + 1) * 784), i * 784))
    return { pixels, labels: Int32Array.from(rows, (row) => split.labels[row]), count: rows.length }
  }
  return { ...dataset, train: take(dataset.train), valid: take(dataset.valid) }
}

const small = subset(sample, 10)
const simpleNet = (overrides: Partial<TrainingConfig> = {}): TrainingConfig => ({ ...defaultTrainingConfig('simple_net', 2), ...overrides })

describe('the one-cycle schedule (fastai fit_one_cycle)', () => {
  it('warms up from lrMax/25 to lrMax over the first quarter, then anneals to lrMax/1e5', () => {
    expect(oneCycleAt(0, 0.1)).toEqual({ lr: 0.1 / 25, momentum: 0.95 })
    expect(oneCycleAt(0.25, 0.1).lr).toBeCloseTo(0.1, 12)
    expect(oneCycleAt(0.25, 0.1).momentum).toBeCloseTo(0.85, 12)
    // halfway up the warm-up cosine: the mean of its ends
    expect(oneCycleAt(0.125, 0.1).lr).toBeCloseTo((0.1 / 25 + 0.1) / 2, 12)
    expect(oneCycleAt(0.625, 0.1).lr).toBeCloseTo((0.1 + 0.1 / 1e5) / 2, 12)
    expect(oneCycleAt(0.625, 0.1).momentum).toBeCloseTo(0.9, 12)
    expect(oneCycleAt(1, 0.1).lr).toBeCloseTo(1e-6, 15)
  })

  it('drives the learner batch by batch, cycling Adam\'s β₁', async () => {
    const betas: number[] = []
    const spy = { afterBatch: () => void betas.push(learner.opt.momentum) }
    const learner = createLearner(small, simpleNet({ optimizer: 'adam', loss: 'ce', lr: 0.01 }), [spy])
    const batches = learner.dls.train.length
    const result = await learner.fitOneCycle(2, 0.01)
    expect(result.completed).toBe(true)
    const lrs = learner.recorder.learningRates
    expect(lrs).toHaveLength(2 * batches)
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(oneCycleAt(i / (2 * batches), 0.01).lr, 12))
    betas.forEach((beta, i) => expect(beta).toBeCloseTo(oneCycleAt(i / (2 * batches), 0.01).momentum, 12))
  })

  it('leaves SGD without momentum alone, as fastai does, and cycles SGD with momentum', async () => {
    const plain = createLearner(small, simpleNet({ epochs: 1 }))
    await plain.fitOneCycle(1, 0.1)
    expect(plain.opt.momentum).toBe(0)
    const heavy = createLearner(small, simpleNet({ epochs: 1, momentum: 0.9 }))
    await heavy.fitOneCycle(1, 0.1)
    expect(heavy.opt.momentum).toBeCloseTo(oneCycleAt((heavy.dls.train.length - 1) / heavy.dls.train.length, 0.1).momentum, 12)
  })
})

describe('the learning-rate finder (fastai lr_find)', () => {
  it('sweeps exponentially from 1e-7, leaves the learner as it found it, and suggests an lr by a named rule', async () => {
    const learner = createLearner(small, simpleNet({ optimizer: 'sgd', momentum: 0.9, loss: 'ce' }))
    await learner.fit(1)
    const [before, optBefore] = [learner.model.stateDict(), learner.opt.state()]
    const result = await learner.lrFind({ numIt: 60 })
    expect(result.lrs[0]).toBeCloseTo(1e-7, 15)
    result.lrs.slice(1).forEach((lr, i) => expect(lr / result.lrs[i]).toBeCloseTo(Math.pow(1e8, 1 / 60), 9))
    expect(learner.model.stateDict()).toEqual(before)
    expect(learner.opt.state()).toEqual(optBefore)
    expect([learner.opt.lr, learner.opt.momentum]).toEqual([0.1, 0.9])
    expect(result.suggestion.rule).toBe('valley')
    expect(result.suggestion.lr).toBe(result.suggestions.valley)
    expect(result.suggestion.lr).toBeGreaterThan(result.lrs[0])
    expect(result.suggestion.lr).toBeLessThan(result.lrs.at(-1)!)
  })

  it('leaves training to run exactly as it would have without the sweep', async () => {
    const [swept, plain] = [createLearner(small, simpleNet()), createLearner(small, simpleNet())]
    await swept.lrFind({ numIt: 30 })
    await Promise.all([swept.fit(1), plain.fit(1)])
    expect(swept.recorder.batchLosses).toEqual(plain.recorder.batchLosses)
  })

  it('stops once the smoothed loss passes 4× its minimum', async () => {
    const learner = createLearner(small, simpleNet({ loss: 'ce', lr: 0.1 }))
    const result = await learner.lrFind({ endLr: 1e4, numIt: 100 })
    expect(['diverged', 'non-finite']).toContain(result.stopReason)
    expect(result.lrs.length).toBeLessThan(100)
  })

  it('says so when stopped before its first step, and a stop after any step still suggests a rate it tried', async () => {
    const learner = createLearner(small, simpleNet())
    await expect(learner.lrFind({ signal: AbortSignal.abort() })).rejects.toThrow(/stopped before its first step/)
    for (const steps of [1, 2, 3, 5, 8, 13, 18]) {
      const stop = new AbortController()
      const result = await learner.lrFind({ signal: stop.signal, onStep: ({ iteration }) => iteration + 1 === steps && stop.abort() })
      expect(result.stopReason).toBe('stopped')
      expect(result.lrs).toHaveLength(steps)
      for (const lr of Object.values(result.suggestions)) expect(result.lrs.map((tried) => [tried, tried / 10]).flat()).toContain(lr)
    }
  })

  it('reads suggestions off a curve as fastai\'s valley, minimum and steep do', () => {
    const lrs = Array.from({ length: 20 }, (_, i) => 10 ** (-6 + i / 4))
    // flat, then falling for ten steps (steepest at step 12), then rising
    const losses = [...new Array(5).fill(2), 2, 1.9, 1.8, 1.6, 1.4, 1.1, 0.8, 0.3, 0.25, 0.2, 0.6, 1.5, 3, 6, 9]
    const s = suggestLearningRates(lrs, losses, 20)
    // Trimmed to steps 2..14 (fastai skips the first tenth and the last 5). The longest decreasing
    // run ends at step 14 with length 10, so fastai's valley spans 4..14 (start = end − length, in
    // trimmed positions 2..12) and picks 2 + ⌊10/3⌋ + ⌊10/6⌋ = 6, i.e. step 8.
    expect(s.minimum).toBeCloseTo(lrs[14] / 10, 15)
    expect(s.steep).toBeCloseTo(lrs[11], 15)
    expect(s.valley).toBeCloseTo(lrs[8], 15)
  })

  it('suggests one of the swept rates for a short sweep that only rises (a Stop after a few steps)', () => {
    // The longest fall is steps 0→1, so fastai's start is −1 and so is its valley index (Python
    // takes the last rate there); every rule must name a rate the sweep actually tried.
    const lrs = [1e-7, 2e-7, 4e-7, 8e-7, 1.6e-6, 3.2e-6]
    const s = suggestLearningRates(lrs, [2.3, 2.2, 2.25, 2.3, 2.4, 2.5], 100)
    expect(s.valley).toBe(lrs[0])
    expect(s.steep).toBe(lrs[0])
    expect(s.minimum).toBe(lrs[1] / 10)
  })
})

describe('checkpoints, clipping and interpretation', () => {
  it('keeps the last and the best epoch in memory', async () => {
    const learner = createLearner(small, simpleNet())
    await learner.fit(3)
    const { last, best } = learner.checkpoints
    expect(last!.epoch).toBe(2)
    const lowest = Math.min(...learner.recorder.epochs.map((row) => row.validLoss))
    expect(best!.validLoss).toBe(lowest)
    learner.model.loadStateDict(best!.state as Record<string, Float32Array>)
    expect(learner.validate().loss).toBeCloseTo(lowest, 6)
  })

  it('clips gradients to a global norm, keeping their direction', () => {
    const [a, b] = [randn([3, 4], new Random(1)).requiresGrad_(), randn([5], new Random(2)).requiresGrad_()]
    a.grad = fromArray(Array.from({ length: 12 }, () => 3), [3, 4])
    b.grad = fromArray([4, 0, 0, 0, 0], [5])
    const norm = clipGradNorm([a, b], 2)
    expect(norm).toBeCloseTo(Math.sqrt(12 * 9 + 16), 5)
    const clipped = Math.hypot(...a.grad.data, ...b.grad.data)
    expect(clipped).toBeCloseTo(2, 5)
    expect(b.grad.data[0] / a.grad.data[0]).toBeCloseTo(4 / 3, 5)
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(2, 5)
  })

  it('trains with clipping on and stays finite', async () => {
    const learner = createLearner(small, simpleNet({ loss: 'ce', gradClip: 0.5 }))
    await learner.fit(1)
    expect(learner.gradClip).toBe(0.5)
    expect(learner.recorder.last!.metrics.accuracy).toBeGreaterThan(0.9)
  })

  it('computes the confusion matrix, top losses and most-confused pairs from the model\'s own outputs', () => {
    // The "model" passes its input through: each row of x is the logits it outputs.
    const logits = [[3, 0, 0], [0, 2, 0], [0, 0, 1], [2, 0, 0], [0, 3, 0], [0, 4, 0], [0, 0, 5]]
    const labels = [0, 1, 2, 1, 0, 2, 2]
    const identity = new Linear(3, 3, { bias: false })
    identity.weight.data.set([1, 0, 0, 0, 1, 0, 0, 0, 1])
    const model = new Sequential(new Flatten(), identity)
    const data = new TensorDataset(fromArray(logits), fromArray(labels))
    const loader = new DataLoader(data, { batchSize: 3 })
    const learner = new Learner({ train: loader, valid: loader }, model, { lossFunc: crossEntropy, optFunc: (p, lr) => new SGD(p, lr) })
    const interp = Interpretation.fromLearner(learner, { labelNames: ['a', 'b', 'c'] })
    expect(interp.confusionMatrix()).toEqual([[1, 1, 0], [1, 1, 0], [0, 1, 2]])
    expect(interp.mostConfused()).toEqual([
      { actual: 'a', predicted: 'b', count: 1 }, { actual: 'b', predicted: 'a', count: 1 }, { actual: 'c', predicted: 'b', count: 1 },
    ])
    const [worst] = interp.topLosses(1)
    // item 5 has logits (0, 4, 0) for class c: loss = log(e⁴ + 2) − 0, predicted b with p = e⁴/(e⁴ + 2)
    expect(worst.index).toBe(5)
    expect([worst.actual, worst.predicted]).toEqual(['c', 'b'])
    expect(worst.loss).toBeCloseTo(Math.log(Math.exp(4) + 2), 5)
    expect(worst.probability).toBeCloseTo(Math.exp(4) / (Math.exp(4) + 2), 5)
    expect(interp.topLosses(7).map((t) => t.loss)).toEqual([...interp.losses].sort((x, y) => y - x))
  })

  it('reads one-logit models as the chapter does: a target of 1 is the first class', async () => {
    const learner = createLearner(small, simpleNet({ epochs: 2 }))
    await learner.fit(2)
    const interp = Interpretation.fromLearner(learner, { labelNames: small.labelNames })
    const matrix = interp.confusionMatrix()
    const correct = matrix[0][0] + matrix[1][1]
    expect(matrix.flat().reduce((s, n) => s + n, 0)).toBe(small.valid.count)
    expect(correct / small.valid.count).toBeCloseTo(learner.recorder.last!.metrics.batch_accuracy, 10)
    expect([...interp.actual]).toEqual([...small.valid.labels])
  })

  it('rejects a shuffled loader, whose positions would not name items', () => {
    const learner = createLearner(small, simpleNet())
    expect(() => Interpretation.fromLearner(learner, { loader: learner.dls.train })).toThrow(/unshuffled/)
  })

  it('cycles Adam through its momentum setter', () => {
    const adam = new Adam([randn([2], new Random(1)).requiresGrad_()], 0.1)
    adam.momentum = 0.85
    expect(adam.beta1).toBe(0.85)
  })
})
