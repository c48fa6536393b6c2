import { readDrawings } from '../datasets/drawings'
import { loadBuiltinDataset } from '../datasets/builtin'
import { DataLoader } from '../engine/data/dataloader'
import { ImageDataset, type ImageSplit } from '../engine/data/dataset'
import { predictClasses } from '../engine/learner/predictions'
import { createLearner, fitFromConfig } from '../engine/learner/recipe'
import type { Module } from '../engine/nn/module'
import { handwritingConfig, handwritingDataset, handwritingStart, type HandwritingStart } from '../service/handwriting'
import { projectStart } from '../storage/project-start'
import type { ReferenceScore } from '../../shared/training'
import { exportOnnx } from '../onnx/export'
import { preprocessingFor } from '../onnx/metadata'
import { TRAIN_USAGE, type TrainRequest } from './train-args'
import { UsageError } from './usage'

/** What `train --recipe handwriting` measured: the drawings and MNIST's test digits, before and after. */
export interface HandwritingSummary {
  readonly recipe: 'handwriting'
  readonly startsFrom: string
  readonly perDigit: readonly number[]
  readonly steps: number
  readonly seconds: number
  readonly drawings: { readonly images: number; readonly before: number; readonly after: number }
  readonly mnistTest: ReferenceScore
  readonly skipped: readonly { readonly file: string; readonly reason: string }[]
}

function accuracyOf(model: Module, split: ImageSplit): number {
  const predicted = predictClasses(model, new DataLoader(new ImageDataset(split, 28, 28, 'class'), { batchSize: 256 }))
  return predicted.reduce((sum, p, i) => sum + (p === split.labels[i] ? 1 : 0), 0) / split.count
}

/** A row of the before/after table: "your drawings (15)    0.0%   100.0%   +100.0 pt". */
function row(what: string, before: number, after: number, digits: number): string {
  const pct = (x: number): string => `${(x * 100).toFixed(digits)}%`.padStart(8)
  const change = (after - before) * 100
  return `${what.padEnd(22)}${pct(before)}${pct(after)}${`${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(digits)} pt`.padStart(11)}`
}

/**
 * `digit-lab train --recipe handwriting --data FOLDER [--from PROJECT.digitlab]`: Draw's "Fine-tune on my handwriting"
 * in this process — the same drawings read, the same MNIST rehearsal and config — and its before/after table.
 */
export async function runHandwritingRecipe(request: TrainRequest, print: (line: string) => void): Promise<HandwritingSummary> {
  if (request.from?.kind === 'scratch') throw new UsageError('--recipe handwriting fine-tunes a trained model: drop --from scratch (the default is the MNIST CNN)', TRAIN_USAGE)
  const drawings = await readDrawings(request.data)
  let start: HandwritingStart = handwritingStart(null, false)
  if (request.from?.kind === 'project') {
    const weights = await projectStart(request.from.path)
    start = { weights, start: { kind: 'project', path: request.from.path }, note: null }
  }
  const dataset = handwritingDataset(drawings)
  const config = { ...handwritingConfig(start, dataset.train.count), ...request.overrides }
  const learner = createLearner(dataset, config, [], start.weights)
  const mnist = loadBuiltinDataset('mnist').valid
  const mine = dataset.valid
  const before = { drawings: accuracyOf(learner.model, mine), mnist: accuracyOf(learner.model, mnist) }
  const counts = drawings.perDigit.flatMap((n, d) => (n > 0 ? [`${d} ×${n}`] : [])).join(', ')
  if (!request.json) print(`fine-tuning ${start.weights.name} on ${drawings.count} drawings (${counts}) mixed with MNIST training digits`)
  const started = performance.now()
  const stop = new AbortController()
  const onInterrupt = (): void => stop.abort()
  process.once('SIGINT', onInterrupt)
  try {
    await fitFromConfig(learner, config, stop.signal)
  } finally {
    process.off('SIGINT', onInterrupt)
  }
  const seconds = (performance.now() - started) / 1000
  const after = { drawings: accuracyOf(learner.model, mine), mnist: accuracyOf(learner.model, mnist) }
  const summary: HandwritingSummary = {
    recipe: 'handwriting', startsFrom: start.weights.name, perDigit: drawings.perDigit, steps: learner.recorder.batchLosses.length, seconds,
    drawings: { images: mine.count, before: before.drawings, after: after.drawings },
    mnistTest: { name: 'MNIST test', images: mnist.count, before: before.mnist, after: after.mnist },
    skipped: drawings.skipped,
  }
  if (request.export) {
    // NOTE: drawings are centred as MNIST's were (centreDigit), and the file says so.
    const exported = await exportOnnx(request.export, {
      model: learner.model, spec: config.model, labelNames: dataset.labelNames, preprocessing: preprocessingFor('mnist'),
      training: { dataset: request.data, loss: config.loss, epochs: learner.epochsDone, seed: config.seed, metrics: { accuracy: after.drawings } },
    }, dataset.valid)
    if (!request.json) print(`exported ${exported.path} (${(exported.bytes / 1024).toFixed(1)} KB)`)
  }
  if (request.json) {
    print(JSON.stringify(summary))
    return summary
  }
  for (const s of drawings.skipped) print(`left out ${s.file}: ${s.reason}`)
  print(`${summary.steps} optimizer steps in ${seconds.toFixed(1)} s`)
  print(`${'accuracy on'.padEnd(22)}${'before'.padStart(8)}${'after'.padStart(8)}${'change'.padStart(11)}`)
  print(row(`your drawings (${mine.count})`, before.drawings, after.drawings, 1))
  print(row(`MNIST test (${mnist.count.toLocaleString('en-US')})`, before.mnist, after.mnist, 2))
  if ((before.mnist - after.mnist) * 100 >= 1) print(`warning: it forgot some of MNIST (${((before.mnist - after.mnist) * 100).toFixed(2)} points): collect drawings of the digits it now confuses, or keep the model you had`)
  return summary
}
