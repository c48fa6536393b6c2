// `npx tsx bench/fine-tune-shapes.ts`: the fine-tuning choices for labels that are not digits (a fresh head on
// the MNIST CNN body): ten drawn shapes, 10 a class to train, 30 a class (other drawings) to score.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDataset } from '../src/main/datasets'
import { setThreads } from '../src/main/engine/kernels'
import { planTraining } from '../src/main/engine/learner/plan'
import { createLearner, fitFromConfig } from '../src/main/engine/learner/recipe'
import type { TrainingConfig } from '../src/shared/training'
import { accuracyOn } from '../test/helpers/mixed-digits'
import { writeShapeFolder } from '../test/helpers/shapes'

setThreads(1)
const root = await mkdtemp(join(tmpdir(), 'digit-lab-bench-shapes-'))
try {
  const train = await openDataset(await writeShapeFolder(join(root, 'train'), 10, 1))
  const held = await openDataset(await writeShapeFolder(join(root, 'held'), 30, 2))
  const plan = planTraining(train, { choice: { kind: 'auto' } })
  const base = plan.config
  const ft = base.fineTune!
  const scratch = planTraining(train, { choice: { kind: 'scratch' } }).config
  const variants: Record<string, TrainingConfig> = {
    'plan (default)': base,
    'scratch, same steps': { ...scratch, epochs: base.epochs },
    'bn train': { ...base, fineTune: { ...ft, bn: 'train' } },
    'bn train, lr 2e-3': { ...base, lr: 2e-3, fineTune: { ...ft, bn: 'train' } },
    'bn train, lr 5e-3': { ...base, lr: 5e-3, fineTune: { ...ft, bn: 'train' } },
    'bn frozen, lr 5e-3': { ...base, lr: 5e-3 },
    'bn train, lr 5e-3, lrMult 10': { ...base, lr: 5e-3, fineTune: { ...ft, bn: 'train', lrMult: 10 } },
  }
  console.log(JSON.stringify({ plan: plan.summary }))
  for (const [name, config] of Object.entries(variants)) {
    const started = performance.now()
    const learner = createLearner(train, config)
    await fitFromConfig(learner, config)
    console.log(JSON.stringify({ name, steps: learner.recorder.batchLosses.length, valid: learner.validate().metrics.accuracy, held: accuracyOn(learner.model, held), seconds: Math.round((performance.now() - started) / 100) / 10 }))
  }
} finally {
  await rm(root, { recursive: true, force: true })
}
