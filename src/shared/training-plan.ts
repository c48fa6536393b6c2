import * as v from 'valibot'
import { STARTING_POINT_IDS, type EpochRecord, type TrainingConfig, type ValidationSummary } from './training'

/**
 * What a person chooses to start from: `auto` (the best starting point the data allows, as the app and
 * `digit-lab train --data DIR` do by default), `scratch`, a built-in starting point, or a saved project's model.
 */
export const StartChoiceSchema = v.variant('kind', [
  v.object({ kind: v.literal('auto') }),
  v.object({ kind: v.literal('scratch') }),
  v.object({ kind: v.literal('pretrained'), id: v.picklist(STARTING_POINT_IDS) }),
  v.object({ kind: v.literal('project'), path: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)) }),
])
export type StartChoice = v.InferOutput<typeof StartChoiceSchema>

/** Why a plan or a result deserves a second look, with what to do about it. */
export interface PlanWarning {
  readonly kind: 'few-steps' | 'small-class' | 'no-valid-images' | 'small-validation' | 'start-unavailable' | 'time-capped' | 'worse-than-start' | 'valid-loss-rose'
  readonly message: string
}

/** Where a planned run starts, as a person reads it. */
export type PlannedStart =
  | { readonly kind: 'scratch' }
  | {
      readonly kind: 'pretrained' | 'project'
      /** "MNIST CNN", or the project's file name. */
      readonly name: string
      /** `kept`: the head's rows for these labels are kept (listed); `fresh`: a new head on the trained body. */
      readonly head: 'kept' | 'fresh'
      readonly keptLabels: readonly string[]
    }

/** A run sized to its data, decided before Train is pressed: what it starts from, how long it trains, and warnings. */
export interface TrainingPlan {
  readonly config: TrainingConfig
  readonly start: PlannedStart
  readonly trainImages: number
  readonly stepsPerEpoch: number
  /** Optimizer steps in all: epochs × steps per epoch. */
  readonly steps: number
  /** Of the epochs, how many train the head alone (fine-tuning); 0 from scratch. */
  readonly freezeEpochs: number
  /** About how long it trains on this computer, in seconds. */
  readonly estimatedSeconds: number
  /** One sentence saying what the run will do. */
  readonly summary: string
  readonly warnings: readonly PlanWarning[]
}

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`

/**
 * How a finished run compares with where it started: a warning when it ends below the starting point's accuracy
 * on the same validation images, or when its validation loss rose well above its best (it overfit).
 */
export function judgeRun(before: ValidationSummary | null, after: ValidationSummary | null, epochs: readonly EpochRecord[]): PlanWarning[] {
  const warnings: PlanWarning[] = []
  const accuracy = (summary: ValidationSummary | null): number | undefined => (summary ? Object.values(summary.metrics)[0] : undefined)
  const [was, is] = [accuracy(before), accuracy(after)]
  if (was !== undefined && is !== undefined && is < was) {
    warnings.push({ kind: 'worse-than-start', message: `The result (${percent(is)}) is below the starting point's own ${percent(was)} on the same images: fewer epochs or a lower learning rate may keep what it knew; the starting point itself is the better model here.` })
  }
  const best = epochs.reduce<EpochRecord | null>((b, r) => (b === null || r.validLoss < b.validLoss ? r : b), null)
  const last = epochs.at(-1)
  if (best && last && last !== best && last.validLoss > best.validLoss * 1.25 + 0.01) {
    warnings.push({ kind: 'valid-loss-rose', message: `Validation loss rose from ${best.validLoss.toFixed(3)} (epoch ${best.epoch + 1}) to ${last.validLoss.toFixed(3)}: the model began to learn its training images by heart. Train fewer epochs, or add images.` })
  }
  return warnings
}
