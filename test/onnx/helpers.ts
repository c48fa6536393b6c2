import { spawnSync } from 'node:child_process'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import type { DigitDataset } from '../../src/main/engine/data/dataset'
import type { Learner } from '../../src/main/engine/learner/learner'
import { createLearner } from '../../src/main/engine/learner/recipe'
import type { ExportSource } from '../../src/main/onnx/build'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'
import type { ModelKind } from '../../src/shared/models'
import { PYTHON_PATH } from '../helpers/system-parts'

let sample: DigitDataset | null = null

/** fast.ai's MNIST_SAMPLE (3s and 7s), loaded once per test file. */
export function mnistSample(): DigitDataset {
  sample ??= loadBuiltinDataset('mnist-sample')
  return sample
}

/** A learner trained briefly (one epoch by default) on mnist-sample with the kind's default recipe. */
export async function trainBriefly(kind: ModelKind, overrides: Partial<TrainingConfig> = {}): Promise<{ learner: Learner; config: TrainingConfig }> {
  const dataset = mnistSample()
  const base = defaultTrainingConfig(kind, dataset.labelNames.length)
  const config: TrainingConfig = { ...base, epochs: kind === 'pixel' ? 0 : 1, ...overrides }
  const learner = createLearner(dataset, config)
  await learner.fit(config.epochs, config.lr)
  return { learner, config }
}

/** What the exporter needs to know about a trained learner. */
export function exportSource(learner: Learner, config: TrainingConfig): ExportSource {
  const { loss, metrics } = learner.validate()
  return {
    model: learner.model,
    spec: config.model,
    labelNames: mnistSample().labelNames,
    training: { dataset: 'mnist-sample', loss: config.loss, epochs: learner.epochsDone, seed: config.seed, metrics: { validLoss: loss, ...metrics } },
  }
}

const CHECKER = 'import sys, onnx; onnx.checker.check_model(sys.argv[1], full_check=True)'

/**
 * Run the official ONNX checker (Debian's python3-onnx) on a file. Returns null when the file passes,
 * else the checker's complaint. A test calling it is declared with `itNeeding(pythonOnnxMissing(), …)`,
 * so where the checker is missing it reports "not run", never a pass; called anyway, it throws.
 */
export function officialCheck(path: string): string | null {
  const result = spawnSync(PYTHON_PATH, ['-c', CHECKER, path], { encoding: 'utf8' })
  if (result.error) throw new Error(`cannot run ${PYTHON_PATH} (${result.error.message}): install python3-onnx (apt-get install python3-onnx)`)
  if (/No module named 'onnx'/.test(result.stderr)) throw new Error('python3-onnx is missing: install it (apt-get install python3-onnx) to run the official ONNX checker')
  return result.status === 0 ? null : result.stderr.trim().split('\n').at(-1) ?? `exit ${result.status}`
}
