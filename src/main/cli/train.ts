import { openDataset } from '../datasets'
import type { DigitDataset } from '../engine/data/dataset'
import { setThreads } from '../engine/kernels'
import { createLearner, fitFromConfig } from '../engine/learner/recipe'
import type { Learner } from '../engine/learner/learner'
import { perClassAccuracy, predictClasses } from '../engine/learner/predictions'
import type { ExportResult } from '../onnx/export'
import { formatParity } from '../onnx/parity'
import { saveModel } from '../storage/model-file'
import type { TrainingConfig } from '../../shared/training'
import { EpochTable, ProgressBar, formatDuration } from './terminal'
import { parseTrainArgs, resolveTrainingConfig, type TrainRequest } from './train-args'
import { reportInterpretation, reportLrFind } from './train-tools'
import { exportTrained } from './train-export'

/** The last line of a run, also what `--json` prints last. */
export interface TrainSummary {
  readonly model: string
  readonly data: string
  readonly epochs: number
  readonly seconds: number
  readonly trainLoss: number | null
  readonly validLoss: number
  readonly accuracy: number
  readonly perClassAccuracy: Record<string, number>
  readonly seed: number
  /** With `--export`: the file written and its parity with the engine. */
  readonly export?: ExportResult
}

function progressCallback(bar: ProgressBar, started: number) {
  let images = 0
  return {
    afterBatch: (p: { epoch: number; epochs: number; batch: number; batches: number; loss: number; images: number }) => {
      images += p.images
      const elapsed = (performance.now() - started) / 1000
      const doneFraction = (p.epoch + (p.batch + 1) / p.batches) / p.epochs
      const eta = doneFraction > 0 ? elapsed * (1 / doneFraction - 1) : 0
      const label = `epoch ${p.epoch + 1}/${p.epochs}  batch ${p.batch + 1}/${p.batches}  loss ${p.loss.toFixed(4)}  ${Math.round(images / elapsed)} img/s  ETA ${formatDuration(eta)}`
      bar.draw(p.batch + 1, p.batches, label)
    },
  }
}

function summarize(request: TrainRequest, config: TrainingConfig, dataset: DigitDataset, learner: Learner, seconds: number): TrainSummary {
  const { loss, metrics } = learner.validate()
  const predicted = predictClasses(learner.model, learner.dls.valid)
  const perClass = perClassAccuracy(predicted, dataset.valid.labels, dataset.labelNames.length)
  return {
    model: config.model.kind,
    data: request.data,
    epochs: learner.epochsDone,
    seconds,
    trainLoss: learner.recorder.last?.trainLoss ?? null,
    validLoss: loss,
    accuracy: Object.values(metrics)[0],
    perClassAccuracy: Object.fromEntries(dataset.labelNames.map((name, c) => [name, perClass[c]])),
    seed: config.seed,
  }
}

/** `digit-lab train …`: train on a dataset, print the epoch table (or JSON lines), optionally save. */
export async function runTrain(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<TrainSummary> {
  const request = parseTrainArgs(argv)
  setThreads(request.threads)
  const dataset = await openDataset(request.data)
  const config = resolveTrainingConfig(request, dataset.labelNames.length)
  const print = (line: string): void => void out.write(`${line}\n`)
  const bar = new ProgressBar()
  const started = performance.now()
  const table = new EpochTable(config.loss === 'mnist' ? ['batch_accuracy'] : ['accuracy'])
  const learner = createLearner(dataset, config, [
    request.json ? {} : progressCallback(bar, started),
    {
      afterEpoch: (record) => {
        bar.clear()
        if (request.json) print(JSON.stringify({ epoch: record.epoch, trainLoss: record.trainLoss, validLoss: record.validLoss, accuracy: Object.values(record.metrics)[0], seconds: record.seconds }))
        else print(table.row(record))
      },
    },
  ])
  const stop = new AbortController()
  const onInterrupt = (): void => stop.abort()
  process.once('SIGINT', onInterrupt)
  try {
    if (request.lrFind) await reportLrFind(learner, request.json, print, stop.signal)
    if (!request.json && config.epochs > 0) print(table.header())
    await fitFromConfig(learner, config, stop.signal)
  } finally {
    process.off('SIGINT', onInterrupt)
    bar.clear()
  }
  const summary = summarize(request, config, dataset, learner, (performance.now() - started) / 1000)
  if (request.interpret) reportInterpretation(learner, dataset.labelNames, request.json, print)
  if (request.save) {
    await saveModel(request.save, {
      model: config.model,
      loss: config.loss,
      labelNames: dataset.labelNames,
      imageSize: [dataset.height, dataset.width],
      metrics: { accuracy: summary.accuracy, validLoss: summary.validLoss },
      state: learner.model.stateDict(),
    })
  }
  let exported: ExportResult | undefined
  if (request.export) {
    exported = await exportTrained(request.export, request.data, config, dataset, learner, { accuracy: summary.accuracy, validLoss: summary.validLoss, trainLoss: summary.trainLoss })
  }
  const result: TrainSummary = exported ? { ...summary, export: exported } : summary
  if (request.json) print(JSON.stringify(result))
  else {
    const perClass = Object.entries(summary.perClassAccuracy).map(([name, acc]) => `${name}: ${acc.toFixed(4)}`).join(', ')
    print(`${summary.model} on ${summary.data}: accuracy ${summary.accuracy.toFixed(4)} (${perClass}) after ${summary.epochs} epochs in ${summary.seconds.toFixed(2)} s, seed ${summary.seed}` +
      (request.save ? `; saved ${request.save}` : ''))
    if (exported) print(`exported ${exported.path} (${(exported.bytes / 1024).toFixed(1)} KB): ${formatParity(exported.parity)}`)
  }
  return result
}
