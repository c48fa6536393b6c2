import { availableParallelism } from 'node:os'
import { Writable } from 'node:stream'
import { runTrain } from '../src/main/cli/train'
import { MAX_THREADS } from '../src/main/engine/kernels'
import { DigitLabService } from '../src/main/service/digit-lab-service'
import { defaultTrainingConfig, type TrainingEvent } from '../src/shared/training'
import type { Result, Workload } from './workload'

const CLI_ARGS = ['--data', 'mnist', '--model', 'cnn', '--epochs', '1', '--seed', '42', '--json']
const LABEL = 'CNN on MNIST, 1 epoch, seed 42 (the default recipe)'

/** `digit-lab train --data mnist --model cnn --epochs 1`, in this process: the seconds it reports, and its losses. */
async function viaCli(): Promise<{ seconds: number; trainLoss: number | null; validLoss: number; accuracy: number }> {
  const summary = await runTrain(CLI_ARGS, new Writable({ write: (_chunk, _encoding, done) => done() }))
  return { seconds: summary.seconds, trainLoss: summary.trainLoss, validLoss: summary.validLoss, accuracy: summary.accuracy }
}

/**
 * The same recipe through the app's service and its training worker, as the window runs it (with no page):
 * MNIST opened, the spare worker warm (as while a person picks settings), then from Train to "finished", each
 * event serialized as the browser mode's socket sends it.
 */
async function viaApp(): Promise<{ seconds: number; trainLoss: number | null; validLoss: number; accuracy: number }> {
  let finished: (event: Extract<TrainingEvent, { kind: 'finished' }>) => void = () => {}
  const done = new Promise<Extract<TrainingEvent, { kind: 'finished' }>>((resolve) => (finished = resolve))
  let trainLoss: number | null = null
  const service = new DigitLabService({
    version: 'bench',
    emit: (event) => {
      JSON.stringify({ event })
      if (event.kind !== 'training') return
      if (event.event.kind === 'epoch') trainLoss = event.event.record.trainLoss
      if (event.event.kind === 'finished') finished(event.event)
    },
  })
  try {
    await service.openSample('mnist')
    await service.workerReady()
    const started = performance.now()
    await service.startTraining({ ...defaultTrainingConfig('cnn', 10), epochs: 1, seed: 42 })
    const outcome = await done
    const seconds = (performance.now() - started) / 1000
    if (outcome.status !== 'completed' || !outcome.validation) throw new Error(`the app's run ended ${outcome.status}: ${outcome.message}`)
    return { seconds, trainLoss, validLoss: outcome.validation.loss, accuracy: Object.values(outcome.validation.metrics)[0] }
  } finally {
    await service.close()
  }
}

/**
 * One round: both paths in this process, one after the other (the order alternates by round, so a burst of load
 * from other processes does not always fall on the same one). Their losses must agree to the bit; the app's line
 * says so loudly when they do not.
 */
async function round(index: number): Promise<Result[]> {
  const paths = index % 2 === 0 ? (['cli', 'app'] as const) : (['app', 'cli'] as const)
  const runs = { cli: viaCli, app: viaApp }
  const measured: Partial<Record<'cli' | 'app', Awaited<ReturnType<typeof viaCli>>>> = {}
  for (const path of paths) measured[path] = await runs[path]()
  const [cli, app] = [measured.cli!, measured.app!]
  // NOTE: reported in the table rather than thrown, so the workloads after this one still run.
  const differ = cli.trainLoss !== app.trainLoss || cli.validLoss !== app.validLoss
    ? ` — DIFFERENT LOSSES from the CLI's: train ${app.trainLoss} vs ${cli.trainLoss}, valid ${app.validLoss} vs ${cli.validLoss}`
    : ''
  return (['cli', 'app'] as const).map((path) => ({
    workload: 'app-vs-cli', case: path, label: `${LABEL}: ${path === 'cli' ? 'digit-lab train' : `the service and its worker, Train to finished${differ}`}`,
    engine: 'ours', threads: Math.min(availableParallelism(), MAX_THREADS), seconds: measured[path]!.seconds, accuracy: measured[path]!.accuracy, imagesPerSecond: 60_000 / measured[path]!.seconds,
  }))
}

/** The app's time over the CLI's: of each one's best round, and the median of the rounds' own ratios. */
function ratios(rounds: readonly (readonly Result[])[]): string[] {
  const seconds = (path: string, results: readonly Result[]): number => results.find((r) => r.case === path)!.seconds
  const best = (path: string): number => Math.min(...rounds.map((results) => seconds(path, results)))
  const each = rounds.map((results) => seconds('app', results) / seconds('cli', results)).sort((x, y) => x - y)
  return [
    `app/CLI: ${(best('app') / best('cli')).toFixed(3)} (best of ${rounds.length} against best)` +
      `; same-round ratios ${each.map((r) => r.toFixed(3)).join(', ')}, median ${each[Math.floor(each.length / 2)].toFixed(3)}`,
  ]
}

/** The issue's comparison: the same recipe trained by the app (service + worker) and by the CLI, in the same run. */
export const appVsCliWorkload: Workload = {
  name: 'app-vs-cli',
  title: 'the app (service + training worker) against the CLI on the same recipe, same losses to the bit',
  rounds: 3,
  run: (index) => round(index),
  summarize: ratios,
}
