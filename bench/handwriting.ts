// `npx tsx bench/handwriting.ts [--only name,…]`: "Fine-tune on my handwriting" measured: 5 drawings each of three
// styles the MNIST CNN misreads (test/helpers/handwriting.ts) train; 10 unseen drawings each of the same styles, and
// MNIST's 10,000 test digits, score. One JSON line per variant; docs/FINE_TUNING.md keeps the table.
import { parseArgs } from 'node:util'
import { loadBuiltinDataset } from '../src/main/datasets/builtin'
import type { Drawings } from '../src/main/datasets/drawings'
import { DataLoader } from '../src/main/engine/data/dataloader'
import { ImageDataset, type ImageSplit } from '../src/main/engine/data/dataset'
import { setThreads } from '../src/main/engine/kernels'
import { predictClasses } from '../src/main/engine/learner/predictions'
import { createLearner, fitFromConfig } from '../src/main/engine/learner/recipe'
import type { Module } from '../src/main/engine/nn/module'
import { HANDWRITING, handwritingConfig, handwritingDataset, handwritingStart } from '../src/main/service/handwriting'
import { centreDigit } from '../src/shared/centre-digit'
import type { TrainingConfig } from '../src/shared/training'
import { HANDWRITING_STYLES, PAD_SIDE, jittered, rasterizeStrokes, STYLES } from '../test/helpers/handwriting'

const { values } = parseArgs({ options: { only: { type: 'string' }, styles: { type: 'string' } } })
setThreads(1)
const styles = values.styles?.split(',') as (keyof typeof STYLES)[] | undefined ?? HANDWRITING_STYLES

function drawn(per: number, seed: number): Drawings {
  const pixels = new Uint8Array(styles.length * per * 784)
  const digits = new Int32Array(styles.length * per)
  styles.forEach((name, s) => {
    for (let i = 0; i < per; i++) {
      pixels.set(centreDigit(rasterizeStrokes(jittered(STYLES[name], seed + s * 100 + i)), PAD_SIDE, PAD_SIDE), (s * per + i) * 784)
      digits[s * per + i] = STYLES[name].digit
    }
  })
  const perDigit = new Array<number>(10).fill(0)
  digits.forEach((d) => perDigit[d]++)
  return { pixels, digits, count: digits.length, perDigit, skipped: [] }
}

const accuracy = (model: Module, split: ImageSplit): number => {
  const predicted = predictClasses(model, new DataLoader(new ImageDataset(split, 28, 28, 'class'), { batchSize: 256 }))
  return predicted.filter((p, i) => p === split.labels[i]).length / split.count
}

/** The drawings alone, each 30 times (as many as a drawn digit has in the mix), no MNIST digit: no rehearsal. */
function drawingsOnly(mixed: ReturnType<typeof handwritingDataset>): ReturnType<typeof handwritingDataset> {
  const n = mixed.valid.count
  const pixels = new Uint8Array(n * 30 * 784)
  const labels = new Int32Array(n * 30)
  for (let r = 0; r < 30; r++) (pixels.set(mixed.valid.pixels, r * n * 784), labels.set(mixed.valid.labels, r * n))
  return { ...mixed, train: { pixels, labels, count: n * 30 } }
}

const mine = drawn(5, 1000)
const unseen = drawn(10, 5000)
const unseenSplit = { pixels: unseen.pixels, labels: unseen.digits, count: unseen.count }
const mnistTest = loadBuiltinDataset('mnist').valid
const start = handwritingStart(null, false)
type Variant = { only?: boolean; perClass?: number; drawnShare?: number; steps?: number; change?: (c: TrainingConfig) => TrainingConfig }
const variants: Record<string, Variant> = {
  'no training': { steps: 0 },
  'default (150 a class, half drawings, lr 3e-3, 120 steps)': {},
  'no rehearsal (drawings only, each 30 times)': { only: true },
  'drawings all of their digit': { drawnShare: 1 },
  'drawings a third': { drawnShare: 1 / 3 },
  'drawings a quarter, 240 steps': { drawnShare: 0.25, steps: 240 },
  '300 a class': { perClass: 300 },
  'augmentation (the MNIST CNN\'s)': { change: (c) => ({ ...c, augment: true, augmentation: { maxRotate: 10, maxShift: 3, scaleRange: [0.5, 1.1] } }) },
  '60 steps': { steps: 60 },
  '240 steps': { steps: 240 },
  'lr 3e-4, 240 steps': { steps: 240, change: (c) => ({ ...c, lr: 3e-4 }) },
  'lr 3e-3': { change: (c) => ({ ...c, lr: 3e-3 }) },
  'lr 3e-3, 60 steps': { steps: 60, change: (c) => ({ ...c, lr: 3e-3 }) },
  'lr 3e-3, drawings a third': { drawnShare: 1 / 3, change: (c) => ({ ...c, lr: 3e-3 }) },
  'lr 3e-3, no augmentation': { change: (c) => ({ ...c, lr: 3e-3, augment: false }) },
  'lr 3e-3, bn train': { change: (c) => ({ ...c, lr: 3e-3, fineTune: { ...c.fineTune!, bn: 'train' } }) },
  'lr 5e-3': { change: (c) => ({ ...c, lr: 5e-3 }) },
  'lr 1e-2': { change: (c) => ({ ...c, lr: 1e-2 }) },
  'lrMult 10': { change: (c) => ({ ...c, fineTune: { ...c.fineTune!, lrMult: 10 } }) },
  'bn train': { change: (c) => ({ ...c, fineTune: { ...c.fineTune!, bn: 'train' } }) },
}
for (const [name, variant] of Object.entries(variants)) {
  if (values.only && !values.only.split(',').some((o) => name.startsWith(o))) continue
  const mixed = handwritingDataset(mine, { ...HANDWRITING, ...(variant.perClass ? { perClass: variant.perClass } : {}), ...(variant.drawnShare ? { drawnShare: variant.drawnShare } : {}) })
  const data = variant.only ? drawingsOnly(mixed) : mixed
  let config = handwritingConfig(start, data.train.count, variant.steps)
  if (variant.steps === 0) config = { ...config, epochs: 0 }
  config = variant.change ? variant.change(config) : config
  const learner = createLearner(data, config, [], start.weights)
  const began = performance.now()
  if (config.epochs > 0) await fitFromConfig(learner, config)
  const seconds = (performance.now() - began) / 1000
  console.log(JSON.stringify({ variant: name, steps: learner.recorder.batchLosses.length, collected: accuracy(learner.model, { pixels: mine.pixels, labels: mine.digits, count: mine.count }), unseen: accuracy(learner.model, unseenSplit), mnistTest: accuracy(learner.model, mnistTest), seconds: +seconds.toFixed(1) }))
}
