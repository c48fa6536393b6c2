import { loadBuiltinDataset, type BuiltinDatasetName } from '../src/main/datasets/builtin'
import type { DigitDataset, ImageSplit } from '../src/main/engine/data/dataset'
import { createLearner, fitFromConfig } from '../src/main/engine/learner/recipe'
import { defaultTrainingConfig, type TrainingConfig } from '../src/shared/training'
import type { ModelKind } from '../src/shared/models'
import { setSparseGemm } from '../src/main/engine/kernels'
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
  /** Products never skip zeros (ours only): every GEMM does the dense arithmetic PyTorch does. */
  readonly dense?: boolean
  /**
   * What runs before the timed run: the same run once (`run`, for runs of seconds), or one epoch over a small
   * spread of the data (`sample`, the default, for runs of minutes).
   */
  readonly warmUp?: 'run' | 'sample'
}

/**
 * The config the CLI trains `kind` with on `data` (`digit-lab train --data … --model …`), with `changes` on top.
 * `case` names the variant, so our line and PyTorch's pair up.
 */
export function trainingCase(
  workload: string, kind: ModelKind, data: BuiltinDatasetName, threads: number,
  options: {
    readonly case?: string
    readonly label: string
    readonly changes?: Partial<TrainingConfig>
    readonly dense?: boolean
    readonly warmUp?: 'run' | 'sample'
  },
): TrainingCase {
  const classes = data === 'mnist-sample' ? 2 : 10
  const config = { ...defaultTrainingConfig(kind, classes), ...options.changes }
  const name = options.case ?? `bs${config.batchSize}${options.dense ? ' dense' : ''}`
  return { workload, case: name, label: options.label, data, threads, config, dense: options.dense, warmUp: options.warmUp }
}

const datasets = new Map<BuiltinDatasetName, DigitDataset>()
function dataset(name: BuiltinDatasetName): DigitDataset {
  let loaded = datasets.get(name)
  if (!loaded) datasets.set(name, (loaded = loadBuiltinDataset(name)))
  return loaded
}

/** Trains a fresh learner as `fitFromConfig` does; returns the last epoch's validation metric and how its steps ran. */
async function fit(config: TrainingConfig, data: DigitDataset): Promise<{ accuracy: number; step: string }> {
  const learner = createLearner(data, config)
  await fitFromConfig(learner, config)
  const last = learner.recorder.epochs.at(-1)
  const step = learner.lastStep === 'ops' && learner.tracedProblem ? `ops (${learner.tracedProblem})` : (learner.lastStep ?? 'none')
  return { accuracy: last ? Object.values(last.metrics)[0] : Number.NaN, step }
}

/** Every `step`-th image of a split, `count` of them at most (every class is in it). */
function spread(split: ImageSplit, count: number): ImageSplit {
  const step = Math.max(1, Math.floor(split.count / count))
  const rows = Array.from({ length: Math.min(count, Math.ceil(split.count / step)) }, (_, i) => i * step)
  const size = split.pixels.length / split.count
  const pixels = new Uint8Array(rows.length * size)
  rows.forEach((row, i) => pixels.set(split.pixels.subarray(row * size, (row + 1) * size), i * size))
  return { pixels, labels: Int32Array.from(rows, (row) => split.labels[row]), count: rows.length }
}

/** What the warm-up trains on: a few batches' worth of the dataset, every class included. */
const WARM_UP = { train: 2048, valid: 512 }

// NOTE: as torch_training.py: a warm-up, then one timed run from building the learner to the last validation.
// V8 compiles the hot code on its first calls and the kernels' memory grows to its working size, so a run of a
// few seconds is ~10% faster the second time (PyTorch's is not); such runs warm up on the same run. Loading the
// dataset is not timed on either side; bench/index.ts repeats the whole in rounds, interleaved with PyTorch.
/** Runs each case once after a warm-up, in this process. */
export async function runTraining(cases: readonly TrainingCase[]): Promise<Result[]> {
  const results: Result[] = []
  for (const c of cases) {
    await useThreads(c.threads)
    setSparseGemm(!c.dense)
    const data = dataset(c.data)
    if (c.warmUp === 'run') await fit(c.config, data)
    else {
      const sample = { ...data, train: spread(data.train, WARM_UP.train), valid: spread(data.valid, WARM_UP.valid) }
      await fit({ ...c.config, epochs: Math.min(1, c.config.epochs) }, sample)
    }
    const [started, cpu] = [performance.now(), process.cpuUsage()]
    const { accuracy, step } = await fit(c.config, data)
    const seconds = (performance.now() - started) / 1000
    const { user, system } = process.cpuUsage(cpu)
    results.push({
      workload: c.workload, case: c.case, label: c.label, engine: 'ours', threads: c.threads, step, seconds, cpuSeconds: (user + system) / 1e6,
      imagesPerSecond: (c.config.epochs * data.train.count) / seconds, accuracy, peakRssMb: peakRssMb(),
    })
  }
  await useThreads(1)
  setSparseGemm(true)
  return results
}

/**
 * The same cases for torch_training.py (one request per PyTorch thread count, so our thread count is dropped;
 * PyTorch always does the dense arithmetic, so our dense-only cases have no counterpart).
 */
export function torchTraining(workload: string, cases: readonly TrainingCase[]): TorchRequest {
  const unique = cases.filter((c, i) => !c.dense && cases.findIndex((d) => d.case === c.case) === i)
  return {
    workload,
    runner: 'training',
    cases: unique.map((c) => ({ workload: c.workload, case: c.case, label: c.label, warmUp: c.warmUp ?? 'sample', config: { ...c.config, data: c.data } })),
  }
}
