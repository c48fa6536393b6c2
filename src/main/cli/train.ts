import { correctionsSummary } from '../../shared/corrections'
import { DEFAULT_SEED, DEFAULT_VALID_PERCENT, importDataset, isBuiltinDataset } from '../datasets'
import { defaultDataFolder } from '../storage/data-folder'
import type { EpochRecord } from '../engine/learner/recorder'
import type { DatasetReference } from '../storage/project-manifest'
import { openProject, resumeLearner, saveProject } from '../storage/project-state'
import type { DigitDataset } from '../engine/data/dataset'
import { setThreads, useProvider, type KernelProvider } from '../engine/kernels'
import { setStepMode, stepModeInUse, type StepMode } from '../engine/traced/mode'
import { createLearner, fitFromConfig } from '../engine/learner/recipe'
import { estimateTrainingMemory } from '../engine/learner/memory'
import { checkMemoryBudget } from '../service/memory-budget'
import type { Learner } from '../engine/learner/learner'
import { perClassAccuracy, predictClasses } from '../engine/learner/predictions'
import type { ExportResult } from '../onnx/export'
import { formatParity } from '../onnx/parity'
import { saveModel } from '../storage/model-file'
import type { TrainingConfig } from '../../shared/training'
import { EpochTable, ProgressBar, formatDuration } from './terminal'
import { TRAIN_USAGE, isPlanned, parseTrainArgs, resolveTrainingConfig, type TrainRequest } from './train-args'
import { UsageError } from './usage'
import { planTraining, withConfig } from '../engine/learner/plan'
import { projectStart } from '../storage/project-start'
import type { StartWeights } from '../engine/pretrained/transfer'
import { judgeRun, type PlanWarning, type PlannedStart, type TrainingPlan } from '../../shared/training-plan'
import { reportInterpretation, reportLrFind } from './train-tools'
import { exportTrained } from './train-export'
import { runHandwritingRecipe, type HandwritingSummary } from './train-handwriting'

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
  /** Whose kernels computed, on how many threads: with the seed and the CPU, what fixes the bits. */
  readonly kernels: KernelProvider
  /** How the training steps ran: one traced onnxruntime graph each, or op by op. */
  readonly step: StepMode
  readonly threads: number
  /** With `--export`: the file written and its parity with the engine. */
  readonly export?: ExportResult
  /** A planned run (a folder with the app's defaults, or --from): what it started from and how long it trained. */
  readonly plan?: { readonly summary: string; readonly start: PlannedStart; readonly steps: number; readonly estimatedSeconds: number; readonly warnings: readonly PlanWarning[] }
  /** From a starting point or a project: its accuracy and loss on the same validation images, before training. */
  readonly before?: { readonly accuracy: number; readonly validLoss: number }
  /** Plain warnings about the result (below the starting point, validation loss rose). */
  readonly warnings?: readonly PlanWarning[]
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
    kernels: request.kernels,
    step: learner.lastStep ?? stepModeInUse(),
    threads: request.threads,
  }
}

/** How a project names its data: a built-in, or a path imported with the default seeded split. */
function datasetReference(source: string): DatasetReference {
  return { source, split: isBuiltinDataset(source) ? null : { seed: DEFAULT_SEED, validPercent: DEFAULT_VALID_PERCENT } }
}

/**
 * A planned run (`isPlanned`): the app's plan for this data and start, with the options the user gave on top,
 * and the weights of a project start. Null for the chapter's runs (a built-in dataset with no --from).
 */
async function planFromRequest(request: TrainRequest, dataset: DigitDataset): Promise<{ plan: TrainingPlan; config: TrainingConfig; weights: StartWeights | undefined } | null> {
  if (!isPlanned(request)) return null
  const choice = request.from ?? { kind: 'auto' }
  if (choice.kind === 'scratch' && request.modelGiven) return null
  const weights = choice.kind === 'project' ? await projectStart(choice.path) : undefined
  const plan = planTraining(dataset, { choice, project: weights, threads: request.threads })
  if (request.modelGiven && request.kind !== plan.config.model.kind) {
    throw new UsageError(`--from ${choice.kind === 'project' ? choice.path : choice.kind === 'pretrained' ? choice.id : 'auto'} starts a ${plan.config.model.kind} model; drop --model ${request.kind}, or add --from scratch`, TRAIN_USAGE)
  }
  const final = withConfig(plan, { ...plan.config, ...request.overrides }, dataset.valid.count, request.threads)
  return { plan: final, config: final.config, weights }
}

/** `digit-lab train …` as the command line runs it: `--recipe handwriting`, or a training run (`runTrain`). */
export async function runTrainCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<TrainSummary | HandwritingSummary> {
  const request = parseTrainArgs(argv)
  if (request.recipe !== 'handwriting') return runTrain(argv, out)
  setThreads(request.threads)
  useProvider(request.kernels)
  return runHandwritingRecipe(request, (line) => void out.write(`${line}\n`))
}

/** `digit-lab train …`: train on a dataset, print the epoch table (or JSON lines), optionally save. */
export async function runTrain(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<TrainSummary> {
  const request = parseTrainArgs(argv)
  setThreads(request.threads)
  useProvider(request.kernels)
  setStepMode(request.step)
  const chosen = Object.keys(request.overrides).filter((key) => key !== 'epochs')
  if (request.resume && chosen.length > 0) {
    throw new UsageError(`--resume continues the project with its own settings; drop ${chosen.map((key) => `the ${key} option`).join(', ')} (only --epochs applies)`, TRAIN_USAGE)
  }
  const project = request.resume ? await openProject(request.resume) : null
  const reference = project ? project.manifest.dataset : datasetReference(request.data)
  // The same corrections the app applies: beside the images, or in Digit Lab's data folder.
  const imported = await importDataset(reference.source, { ...(reference.split ?? {}), corrections: { dataFolder: defaultDataFolder() } })
  const { dataset, corrections } = imported
  const planned = project ? null : await planFromRequest(request, dataset)
  // A resumed run keeps its project's config; only the number of epochs to train now is the user's.
  const config = project ? { ...project.config, epochs: request.overrides.epochs ?? project.config.epochs } : planned ? planned.config : resolveTrainingConfig(request, dataset.labelNames.length)
  checkMemoryBudget(estimateTrainingMemory(dataset, config), request.memoryBudget)
  const print = (line: string): void => void out.write(`${line}\n`)
  if (!request.json && corrections && corrections.entries.length > 0) print(`corrections: ${correctionsSummary(corrections)} (${corrections.path})`)
  const bar = new ProgressBar()
  const started = performance.now()
  const table = new EpochTable(config.loss === 'mnist' ? ['batch_accuracy'] : ['accuracy'])
  const callbacks = [
    request.json ? {} : progressCallback(bar, started),
    {
      afterEpoch: (record: EpochRecord) => {
        bar.clear()
        if (request.json) print(JSON.stringify({ epoch: record.epoch, trainLoss: record.trainLoss, validLoss: record.validLoss, accuracy: Object.values(record.metrics)[0], seconds: record.seconds }))
        else print(table.row(record))
      },
    },
  ]
  const learner = project ? resumeLearner(project, dataset, callbacks) : createLearner(dataset, config, callbacks, planned?.weights)
  if (planned && !request.json) {
    print(planned.plan.summary)
    for (const warning of planned.plan.warnings) print(`note: ${warning.message}`)
  }
  if (request.printModel && !request.json) print(String(learner.model))
  const before = planned && planned.plan.start.kind !== 'scratch' ? learner.validate() : null
  if (before && !request.json && planned?.plan.start.kind !== 'scratch') {
    print(`before training, ${(planned!.plan.start as { name: string }).name} scores ${Object.values(before.metrics)[0].toFixed(4)} on these ${dataset.valid.count} validation images`)
  }
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
  if (request.project) await saveProject(request.project, { learner, config, dataset, reference })
  let exported: ExportResult | undefined
  if (request.export) {
    exported = await exportTrained(request.export, request.data, config, dataset, learner, { accuracy: summary.accuracy, validLoss: summary.validLoss, trainLoss: summary.trainLoss })
  }
  const warnings = planned ? judgeRun(before, { loss: summary.validLoss, metrics: { accuracy: summary.accuracy } }, learner.recorder.epochs) : []
  const { plan } = planned ?? {}
  const result: TrainSummary = {
    ...summary,
    ...(exported ? { export: exported } : {}),
    ...(plan ? { plan: { summary: plan.summary, start: plan.start, steps: plan.steps, estimatedSeconds: plan.estimatedSeconds, warnings: plan.warnings } } : {}),
    ...(before ? { before: { accuracy: Object.values(before.metrics)[0], validLoss: before.loss } } : {}),
    ...(planned ? { warnings } : {}),
  }
  if (request.json) print(JSON.stringify(result))
  else {
    const perClass = Object.entries(summary.perClassAccuracy).map(([name, acc]) => `${name}: ${acc.toFixed(4)}`).join(', ')
    print(`${summary.model} on ${summary.data}: accuracy ${summary.accuracy.toFixed(4)} (${perClass}) after ${summary.epochs} epochs in ${summary.seconds.toFixed(2)} s, seed ${summary.seed}, ${summary.kernels} kernels, ${summary.step} step on ${summary.threads} thread${summary.threads === 1 ? '' : 's'}` +
      (request.save ? `; saved ${request.save}` : '') + (request.project ? `; project saved to ${request.project}` : ''))
    if (result.before) print(`before training ${result.before.accuracy.toFixed(4)}, after ${summary.accuracy.toFixed(4)} on the same ${dataset.valid.count} validation images`)
    for (const warning of warnings) print(`warning: ${warning.message}`)
    if (exported) print(`exported ${exported.path} (${(exported.bytes / 1024).toFixed(1)} KB): ${formatParity(exported.parity)}`)
  }
  return result
}
