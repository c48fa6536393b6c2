// `npx tsx bench/fine-tune.ts [--only name,…] [--weights state.json]`: the fine-tuning choices measured on folders made
// from MNIST test images in mixed encodings (test/helpers/mixed-digits.ts): SMALL (10 a class) trains, OTHER (50 a
// class, other images) scores. One JSON line per variant; docs/FINE_TUNING.md keeps the table.
import { rm } from 'node:fs/promises'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDataset } from '../src/main/datasets'
import { setThreads } from '../src/main/engine/kernels'
import { planTraining } from '../src/main/engine/learner/plan'
import { PRETRAIN_RECIPES } from '../src/main/engine/pretrained/recipe'
import { createLearner, fitFromConfig } from '../src/main/engine/learner/recipe'
import type { TrainingConfig } from '../src/shared/training'
import { accuracyOn, writeMixedDigitFolder } from '../test/helpers/mixed-digits'

const { values } = parseArgs({ options: { only: { type: 'string' }, threads: { type: 'string', default: '1' } } })
setThreads(Number(values.threads))
const root = await mkdtemp(join(tmpdir(), 'digit-lab-bench-fine-tune-'))
try {
  const small = await openDataset(await writeMixedDigitFolder(join(root, 'small'), { perClass: 10 }))
  const other = await openDataset(await writeMixedDigitFolder(join(root, 'other'), { perClass: 50, skip: 10 }))
  const plan = planTraining(small, { choice: { kind: 'auto' } })
  const scratchPlan = planTraining(small, { choice: { kind: 'scratch' } })
  const base = plan.config
  const ft = base.fineTune!
  const wide = PRETRAIN_RECIPES['mnist-cnn'].config.augmentation
  const variants: Record<string, TrainingConfig> = {
    'plan (default)': base,
    'no training (starting point as is)': { ...base, epochs: 0 },
    'no freeze': { ...base, fineTune: { ...ft, freezeEpochs: 0 } },
    'freeze half': { ...base, fineTune: { ...ft, freezeEpochs: Math.round(base.epochs / 2) } },
    'head only (freeze all)': { ...base, fineTune: { ...ft, freezeEpochs: base.epochs } },
    'bn frozen': { ...base, fineTune: { ...ft, bn: 'frozen' } },
    'lr 1e-3': { ...base, lr: 1e-3 },
    'lr 5e-3': { ...base, lr: 5e-3 },
    'lr 1e-2': { ...base, lr: 1e-2 },
    'lrMult 10': { ...base, fineTune: { ...ft, lrMult: 10 } },
    'lrMult 1 (one lr)': { ...base, fineTune: { ...ft, lrMult: 1 } },
    'no augment': { ...base, augment: false },
    'half the steps': { ...base, epochs: Math.ceil(base.epochs / 2), fineTune: { ...ft, freezeEpochs: Math.max(1, Math.round(base.epochs / 10)) } },
    'twice the steps': { ...base, epochs: base.epochs * 2, fineTune: { ...ft, freezeEpochs: plan.freezeEpochs * 2 } },
    'naive: all layers, AdamW 1e-3, no fine_tune': { ...base, lr: 1e-3, fineTune: undefined, schedule: 'constant' },
    'scratch (plan)': scratchPlan.config,
    'wide aug': { ...base, augmentation: wide },
    'wide aug, bn frozen': { ...base, augmentation: wide, fineTune: { ...ft, bn: 'frozen' } },
    'wide aug, bn frozen, lr 1e-3': { ...base, lr: 1e-3, augmentation: wide, fineTune: { ...ft, bn: 'frozen' } },
    'wide aug, head only': { ...base, augmentation: wide, fineTune: { ...ft, freezeEpochs: base.epochs } },
    'wide aug, bn frozen, half the steps': { ...base, augmentation: wide, epochs: Math.ceil(base.epochs / 2), fineTune: { ...ft, bn: 'frozen', freezeEpochs: Math.max(1, Math.round(base.epochs / 10)) } },
    'wide aug, lr 1e-3': { ...base, lr: 1e-3, augmentation: wide },
  }
  const only = values.only?.split(',')
  console.log(JSON.stringify({ plan: plan.summary, scratch: scratchPlan.summary, small: [small.train.count, small.valid.count], other: other.train.count + other.valid.count }))
  for (const [name, config] of Object.entries(variants)) {
    if (only && !only.some((o) => name.startsWith(o))) continue
    const started = performance.now()
    const learner = createLearner(small, config)
    const before = learner.validate()
    await fitFromConfig(learner, config)
    const seconds = (performance.now() - started) / 1000
    const valid = learner.validate()
    console.log(JSON.stringify({ name, epochs: config.epochs, steps: learner.recorder.batchLosses.length, validBefore: before.metrics.accuracy, valid: valid.metrics.accuracy, validLoss: valid.loss, other: accuracyOn(learner.model, other), seconds: Math.round(seconds * 10) / 10 }))
  }
} finally {
  await rm(root, { recursive: true, force: true })
}
