import * as v from 'valibot'
import type { DatasetView } from './datasets'
import type { ModelView } from './inference'
import type { EpochRecord, TrainingConfig } from './training'

const path = v.pipe(v.string(), v.minLength(1), v.maxLength(4096))

export const SaveProjectRequestSchema = v.object({
  /** Write here (atomically; a dialog-chosen path in the desktop app); without a path the bytes come back for a download. */
  path: v.optional(path),
})

export type SaveProjectRequest = v.InferOutput<typeof SaveProjectRequestSchema>

export const OpenProjectPathSchema = path

export const ExportPytorchRequestSchema = v.object({
  /** A new or empty folder, by its full path (desktop: chosen in the folder dialog). */
  path,
})

/** A run written as a PyTorch project (src/main/pytorch): where, what data, and the ONNX parity that came with it. */
export interface PytorchExportReply {
  readonly dir: string
  /** Images written as ImageFolder PNGs; 0 for the built-in samples, whose MNIST files are copied. */
  readonly images: number
  /** Validation images whose logits check.py compares. */
  readonly referenceImages: number
  readonly parity: { readonly images: number; readonly maxLogitDelta: number; readonly tolerance: number }
}

export const ContinueTrainingRequestSchema = v.object({
  /** Epochs to train on top of those the project holds. */
  epochs: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)),
})

/** The project Digit Lab holds: the last run, or a project file opened, and whether it can train on. */
export interface ProjectView {
  /** The file it was opened from or last saved to; null for a run not saved yet. */
  readonly path: string | null
  readonly config: TrainingConfig
  readonly epochsDone: number
  /** Batches trained after its last whole epoch (a run stopped part-way through one); 0 when it ended on an epoch. */
  readonly batchesSinceEpoch: number
  /** The data it was trained on: a built-in name or a folder. */
  readonly dataset: { readonly name: string; readonly source: string }
  /** Its data is open, so "Continue training" can run. */
  readonly continuable: boolean
  /** Why it cannot continue (its folder is gone or changed), or null. */
  readonly problem: string | null
}

/** A project's curves, for the Train view's chart and epoch table. */
export interface ProjectHistoryView {
  readonly batchLosses: readonly number[]
  readonly epochs: readonly EpochRecord[]
  /** How many batches had been trained when each epoch ended (where the chart places its validation points). */
  readonly epochEnds: readonly number[]
}

/** A project as opened: what it is, its history, and the dataset and model the app now has. */
export interface OpenedProjectReply {
  readonly project: ProjectView
  readonly history: ProjectHistoryView
  /** The dataset open now (the project's, if it was reopened). */
  readonly dataset: DatasetView | null
  /** The project's model, for Draw and (when its data is open) Export; null if it could not be prepared. */
  readonly model: ModelView | null
}

/** A saved project. */
export interface SaveProjectReply {
  readonly path: string | null
  /** The file, base64, when no path was given (browser mode downloads it). */
  readonly base64: string | null
  readonly fileName: string
  readonly bytes: number
  readonly epochsDone: number
}

/** The file extension of Digit Lab projects. */
export const PROJECT_EXTENSION = 'digitlab'
