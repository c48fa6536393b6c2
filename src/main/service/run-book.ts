import { basename } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { RunRecord } from '../../shared/runs'
import type { EpochRecord, RunStatus, TrainingConfig, TrainingEvent, ValidationSummary } from '../../shared/training'

/** What a run continues from: the curve and epochs it had (a project's), and how to name it. */
export interface RunPrior {
  readonly batchLosses: readonly number[]
  readonly epochs: readonly EpochRecord[]
  readonly epochEnds: readonly number[]
  readonly startingPoint: string
}

/** The data a run trained on, as its record names it: `source` (a built-in name or a folder) is what runs are matched by. */
export interface RunData {
  readonly source: string
  readonly name: string
  readonly fingerprint: string
}

/** One run being recorded: it hears the run's events, and is finished once with how the run ended. */
export interface RunRecorder {
  hear(event: TrainingEvent): void
  finish(status: RunStatus, validation: ValidationSummary | null): void
}

/**
 * Every training run of this session (and those a project file brought), kept to compare: settings,
 * starting point, loss curve, epochs and final metrics. `changed` hears the whole list after each change.
 */
export class RunBook {
  private readonly runs: RunRecord[] = []

  constructor(private readonly changed: (runs: readonly RunRecord[]) => void) {}

  get all(): readonly RunRecord[] {
    return [...this.runs]
  }

  /** The runs on data from `source` (a built-in name, or the folder), oldest first. */
  on(source: string | undefined): RunRecord[] {
    return this.runs.filter((run) => run.dataset.source === source)
  }

  /** Start recording a run of `config` on `data`, from scratch or continuing `prior`. */
  record(data: RunData, config: TrainingConfig, prior: RunPrior | null): RunRecorder {
    const batchLosses = [...(prior?.batchLosses ?? [])]
    const epochs = [...(prior?.epochs ?? [])]
    const epochEnds = [...(prior?.epochEnds ?? [])]
    const base = {
      id: randomUUID(),
      name: `Run ${this.runs.length + 1}`,
      startedAt: new Date().toISOString(),
      dataset: { source: data.source, name: data.name, fingerprint: data.fingerprint },
      config,
      startingPoint: prior?.startingPoint ?? startOf(config),
    }
    let done = false
    return {
      hear: (event) => {
        if (event.kind === 'progress') batchLosses.push(...event.losses)
        else if (event.kind === 'epoch') {
          epochs.push(event.record)
          epochEnds.push(batchLosses.length)
        }
      },
      finish: (status, validation) => {
        if (done) return
        done = true
        const accuracy = validation ? (Object.values(validation.metrics)[0] ?? null) : null
        this.runs.push({ ...base, status, batchLosses, epochs, epochEnds, final: { validLoss: validation?.loss ?? null, accuracy } })
        this.changed([...this.runs])
      },
    }
  }

  /** Runs a project file kept: each added unless this session holds it already (by id). */
  adopt(runs: readonly RunRecord[]): void {
    const held = new Set(this.runs.map((run) => run.id))
    const fresh = runs.filter((run) => !held.has(run.id))
    if (fresh.length === 0) return
    this.runs.push(...fresh)
    this.changed([...this.runs])
  }
}

/** Where a new run's weights start, in words for the runs table. */
function startOf(config: TrainingConfig): string {
  const start = config.start ?? { kind: 'scratch' }
  if (start.kind === 'pretrained') return `fine-tuned from ${start.id}`
  if (start.kind === 'project') return `fine-tuned from ${basename(start.path)}`
  if (start.kind === 'model') return `fine-tuned from ${start.name}`
  return `from scratch (seed ${config.seed})`
}
