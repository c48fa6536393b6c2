import { loadBuiltinDataset, type BuiltinDatasetName } from '../src/main/datasets/builtin'
import type { DigitDataset } from '../src/main/engine/data/dataset'
import { createLearner, fitFromConfig } from '../src/main/engine/learner/recipe'
import { defaultTrainingConfig, type TrainingConfig } from '../src/shared/training'
import type { ModelKind } from '../src/shared/models'
import { useThreads } from './threads'
import { peakRssMb } from './timing'
import type { Result, TorchRequest } from './workload'

/** One training run: the chapter's recipe (or a variant of it) on a built-in dataset, on `threads` threads. */
export interface TrainingCase {
  readonly workload: string
  readonly case: string
  readonly label: string
  readonly data: BuiltinDatasetName
  readonly threads: number
  readonly config: TrainingConfig
}

/**
 * The config the CLI trains `kind` with on `data` (`digit-lab train --data … --model …`), with `changes` on top.
 * `case` names the variant, so our line and PyTorch's pair up.
 */
export function trainingCase(
  workload: string, kind: ModelKind, data: BuiltinDatasetName, threads: number,
  options: { readonly case?: string; readonly label: string; readonly changes?: Partial<TrainingConfig> },
): TrainingCase {
  const classes = data === 'mnist-sample' ? 2 : 10
  const config = { ...defaultTrainingConfig(kind, classes), ...options.changes }
  return { workload, case: options.case ?? `bs${config.batchSize}`, label: options.label, data, threads, config }
}

const datasets = new Map<BuiltinDatasetName, DigitDataset>()
function dataset(name: BuiltinDatasetName): DigitDataset {
  let loaded = datasets.get(name)
  if (!loaded) datasets.set(name, (loaded = loadBuiltinDataset(name)))
  return loaded
}

/** Trains a fresh learner as `fitFromConfig` does; returns the last epoch's validation metric. */
async function fit(config: TrainingConfig, data: DigitDataset): Promise<number> {
  const learner = createLearner(data, config)
  await fitFromConfig(learner, config)
  const last = learner.recorder.epochs.at(-1)
  return last ? Object.values(last.metrics)[0] : Number.NaN
}

// NOTE: as torch_training.py: a one-epoch warm-up (V8 compiles the hot code on its first calls, PyTorch sets up
// its allocator and threads), then one timed run from building the learner to the last validation. Loading the
// dataset is not timed on either side; bench/index.ts repeats the whole in rounds, interleaved with PyTorch.
/** Runs each case once after a warm-up, in this process. */
export async function runTraining(cases: readonly TrainingCase[]): Promise<Result[]> {
  const results: Result[] = []
  for (const c of cases) {
    await useThreads(c.threads)
    const data = dataset(c.data)
    await fit({ ...c.config, epochs: Math.min(1, c.config.epochs) }, data)
    const started = performance.now()
    const accuracy = await fit(c.config, data)
    const seconds = (performance.now() - started) / 1000
    results.push({
      workload: c.workload, case: c.case, label: c.label, engine: 'ours', threads: c.threads, seconds,
      imagesPerSecond: (c.config.epochs * data.train.count) / seconds, accuracy, peakRssMb: peakRssMb(),
    })
  }
  await useThreads(1)
  return results
}

/** The same cases for torch_training.py (one request per PyTorch thread count, so our thread count is dropped). */
export function torchTraining(workload: string, cases: readonly TrainingCase[]): TorchRequest {
  const unique = cases.filter((c, i) => cases.findIndex((d) => d.case === c.case) === i)
  return {
    workload,
    runner: 'training',
    cases: unique.map((c) => ({ workload: c.workload, case: c.case, label: c.label, config: { ...c.config, data: c.data } })),
  }
}
