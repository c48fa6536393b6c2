import type { EpochRecord, RunStatus, TrainingConfig } from './training'

/**
 * One training run as Digit Lab keeps it to compare: its settings, where it started, its loss curve
 * (every batch's training loss) and epoch table, and how it ended. Saved in the project file.
 */
export interface RunRecord {
  /** Unique across sessions (a project's runs keep theirs when opened again). */
  readonly id: string
  /** For people: "Run 3". */
  readonly name: string
  readonly startedAt: string
  /** The data it trained on: `source` is what the Train view matches against the open dataset. */
  readonly dataset: { readonly source: string; readonly name: string; readonly fingerprint: string }
  readonly config: TrainingConfig
  /** Where its weights started: "from scratch (seed 42)", or the run or project it continued. */
  readonly startingPoint: string
  readonly status: RunStatus
  readonly batchLosses: readonly number[]
  readonly epochs: readonly EpochRecord[]
  /** Batches trained when each epoch ended. */
  readonly epochEnds: readonly number[]
  /** The validation loss and accuracy the run ended with (null when it did not get that far). */
  readonly final: { readonly validLoss: number | null; readonly accuracy: number | null }
}

type Setting = { readonly name: string; readonly of: (run: RunRecord) => string }

const SETTINGS: readonly Setting[] = [
  { name: 'model', of: (run) => run.config.model.kind },
  { name: 'lr', of: (run) => String(run.config.lr) },
  { name: 'epochs', of: (run) => String(run.epochs.length) },
  { name: 'batch', of: (run) => String(run.config.batchSize) },
  { name: 'optimizer', of: (run) => run.config.optimizer },
  { name: 'schedule', of: (run) => run.config.schedule },
  { name: 'loss', of: (run) => run.config.loss },
  { name: 'seed', of: (run) => String(run.config.seed) },
  { name: 'momentum', of: (run) => String(run.config.momentum) },
  { name: 'wd', of: (run) => String(run.config.weightDecay) },
  { name: 'augment', of: (run) => (run.config.augment ? 'on' : 'off') },
  { name: 'start', of: (run) => run.startingPoint },
  { name: 'data', of: (run) => run.dataset.fingerprint.slice(7, 15) },
]

/**
 * For each run, the settings in which the runs differ ("lr 0.1 · epochs 5"), for a legend that names what
 * changed; a run alone, or runs that differ in nothing listed, are told apart by their model.
 */
export function runDifferences(runs: readonly RunRecord[]): string[] {
  const differing = SETTINGS.filter((setting) => new Set(runs.map(setting.of)).size > 1)
  const shown = differing.length > 0 ? differing : SETTINGS.slice(0, 1)
  return runs.map((run) => shown.map((setting) => (setting.name === 'data' ? `data ${setting.of(run)}` : `${setting.name} ${setting.of(run)}`)).join(' · '))
}
