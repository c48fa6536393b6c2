import * as v from 'valibot'
import type { ApiName } from './channels'
import {
  ImagePageRequestSchema,
  ImagesAtRequestSchema,
  AugmentPreviewRequestSchema,
  type AugmentedImage,
  ImportSettingsSchema,
  SAMPLE_DATASETS,
  type DatasetView,
  type ImagePage,
  type ImageView,
  type ImportProgressEvent,
} from './datasets'
import { CorrectionRequestSchema, CorrectionsRequestSchema, UndoCorrectionRequestSchema } from './corrections'
import { CollectionRequestSchema, SaveDrawingRequestSchema, UndoDrawingRequestSchema, type CollectionView, type SavedDrawing, type UndoneDrawing } from './collect'
import type { InterpretationView, LrFindResult } from './interpretation'
import {
  DigitImageSchema,
  ExportRequestSchema,
  PathPurposeSchema,
  type Classification,
  type ExportReply,
  type ModelView,
} from './inference'
import { LAB_ARGS, type LabEvent, type LabReplies } from './lab'
import {
  ContinueTrainingRequestSchema,
  ExportPytorchRequestSchema,
  OpenProjectPathSchema,
  SaveProjectRequestSchema,
  type OpenedProjectReply,
  type ProjectView,
  type PytorchExportReply,
  type SaveProjectReply,
} from './projects'
import type { MenuCommand } from './menu'
import { HANDWRITING_ARGS, type HandwritingReplies } from './handwriting'
import type { RunRecord } from './runs'
import { MAX_TRAINING_THREADS, TrainingConfigSchema, type TrainingEvent } from './training'
import { StartChoiceSchema, type TrainingPlan } from './training-plan'

/** A plan request: where to start, and the threads the run would compute on (for its time estimate). */
export const PlanRequestSchema = v.object({
  start: StartChoiceSchema,
  threads: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_TRAINING_THREADS))),
})

export { API_CHANNELS, EVENT_CHANNEL, type ApiName } from './channels'

/** What the engine reports about itself when the app starts. */
export interface EngineStatus {
  readonly ready: boolean
  readonly version: string
  /** A gradient the engine just computed, as proof it works: d(x²)/dx at x = 3. */
  readonly selfCheck: { readonly expression: string; readonly gradient: number; readonly expected: number }
  /** Whose kernels a run computes with by default, in words (e.g. "native (onnxruntime MLAS, AVX-512)"). */
  readonly kernels: string
  /** How a training step runs by default, in words: one traced onnxruntime graph, or op by op. */
  readonly step: string
}

/** Outcome of a start request: the run's id, which its events carry. */
export interface RunStarted {
  readonly runId: number
}

/**
 * The api the renderer calls, written once: the schema of each function's arguments, which main
 * checks before anything runs (channels in `channels.ts`, replies in `ApiReplies`).
 */
export const API_ARGS = {
  engineStatus: v.tuple([]),
  openSample: v.tuple([v.picklist(SAMPLE_DATASETS)]),
  openFolder: v.tuple([v.pipe(v.string(), v.minLength(1), v.maxLength(4096)), v.optional(ImportSettingsSchema, {})]),
  imagePage: v.tuple([ImagePageRequestSchema]),
  imagesAt: v.tuple([ImagesAtRequestSchema]),
  currentDataset: v.tuple([]),
  correctImage: v.tuple([CorrectionRequestSchema]),
  undoCorrection: v.tuple([UndoCorrectionRequestSchema]),
  correctImages: v.tuple([CorrectionsRequestSchema]),
  reimportDataset: v.tuple([ImportSettingsSchema]),
  augmentPreview: v.tuple([AugmentPreviewRequestSchema]),
  startTraining: v.tuple([TrainingConfigSchema]),
  planTraining: v.tuple([PlanRequestSchema]),
  stopTraining: v.tuple([]),
  lrFind: v.tuple([TrainingConfigSchema]),
  interpretation: v.tuple([]),
  currentModel: v.tuple([]),
  openModel: v.tuple([v.pipe(v.string(), v.minLength(1), v.maxLength(4096))]),
  classify: v.tuple([DigitImageSchema]),
  exportOnnx: v.tuple([ExportRequestSchema]),
  pickPath: v.tuple([PathPurposeSchema]),
  saveProject: v.tuple([SaveProjectRequestSchema]),
  openProject: v.tuple([OpenProjectPathSchema]),
  currentProject: v.tuple([]),
  continueTraining: v.tuple([ContinueTrainingRequestSchema]),
  exportPytorch: v.tuple([ExportPytorchRequestSchema]),
  runs: v.tuple([]),
  saveDrawing: v.tuple([SaveDrawingRequestSchema]),
  collection: v.tuple([CollectionRequestSchema]),
  undoDrawing: v.tuple([UndoDrawingRequestSchema]),
  openCollection: v.tuple([CollectionRequestSchema]),
  showCollection: v.tuple([CollectionRequestSchema]),
  ...LAB_ARGS,
  ...HANDWRITING_ARGS,
} as const satisfies Record<ApiName, v.GenericSchema<unknown[]>>

/** What each api function answers (the Lab's in `lab.ts`). */
export interface ApiReplies extends LabReplies, HandwritingReplies {
  engineStatus: EngineStatus
  openSample: DatasetView
  openFolder: DatasetView
  imagePage: ImagePage
  /** The images at these positions of a split, in the order asked (e.g. a confusion-matrix cell's). */
  imagesAt: readonly ImageView[]
  /** The dataset open now, or null (a page reloaded during a run finds it again). */
  currentDataset: DatasetView | null
  /** The open dataset imported again with one more correction kept in its corrections file. */
  correctImage: DatasetView
  /** The open dataset imported again with one correction taken back. */
  undoCorrection: DatasetView
  /** The open dataset imported again with several more corrections kept (a health warning's fix). */
  correctImages: DatasetView
  /** The open dataset imported again with other settings (validation share and seed, polarity, resizing). */
  reimportDataset: DatasetView
  /** Training images spread over the classes, each with a random affine of it (the augmentation training would apply). */
  augmentPreview: readonly AugmentedImage[]
  startTraining: RunStarted
  /** What Train would do on the open dataset from this start: the config, steps, estimated time and warnings. */
  planTraining: TrainingPlan
  stopTraining: void
  lrFind: LrFindResult
  /** Where the last trained model is wrong on the validation split; null before any run, and once another dataset is open. */
  interpretation: InterpretationView | null
  currentModel: ModelView | null
  openModel: ModelView
  classify: Classification
  exportOnnx: ExportReply
  /** A path chosen in a native dialog; null when cancelled or where there is none (browser mode). */
  pickPath: string | null
  /** The project (the last run, or the project opened) written to a file, or its bytes for a download. */
  saveProject: SaveProjectReply
  /** A project file opened: its model for Draw and Export, its history for Train, its data reopened when it can be. */
  openProject: OpenedProjectReply
  /** The project held now, with its history (a reloaded page finds it again), or null. */
  currentProject: Omit<OpenedProjectReply, 'dataset' | 'model'> | null
  /** More epochs of the project held, from where it stopped: a run like any other, whose events continue its curves. */
  continueTraining: RunStarted
  /** The project held written as a plain PyTorch project (train.py, data, weights, check.py) in a new or empty folder. */
  exportPytorch: PytorchExportReply
  /** Every run kept to compare (this session's, and those projects opened brought), oldest first. */
  runs: readonly RunRecord[]
  /** A drawing kept as a grayscale PNG in `<folder>/<label>/` (see `collect.ts`): its file, and the counts after it. */
  saveDrawing: SavedDrawing
  /** Where drawings of a target go (personal dataset or the open folder), the images per class there, or why not there. */
  collection: CollectionView
  /** The last drawing this session saved (or the one named) deleted: only files Digit Lab just wrote. */
  undoDrawing: UndoneDrawing
  /** The collection's folder opened as the dataset, like any folder (corrections and health included). */
  openCollection: DatasetView
  /** The collection's folder shown in the system's file manager: null, or why it cannot be (a browser cannot). */
  showCollection: string | null
}

/** The arguments of an api function, as its schema outputs them. */
export type ApiArgs<N extends ApiName> = v.InferOutput<(typeof API_ARGS)[N]>

/** Something main tells the renderer without being asked. */
export type AppEvent =
  | { readonly kind: 'training'; readonly runId: number; readonly event: TrainingEvent }
  | { readonly kind: 'import'; readonly progress: ImportProgressEvent }
  | { readonly kind: 'model'; readonly model: ModelView | null; readonly problem?: string }
  /** An application-menu item the person chose (Electron only). */
  | { readonly kind: 'menu'; readonly command: MenuCommand }
  | { readonly kind: 'lab'; readonly event: LabEvent }
  /** The project held changed: a run left one, one was opened or saved. */
  | { readonly kind: 'project'; readonly project: ProjectView | null }
  /** The runs kept to compare changed: a run ended, or a project brought its runs. */
  | { readonly kind: 'runs'; readonly runs: readonly RunRecord[] }

/** The service side: one async function per api entry. */
export type ApiHandlers = { [N in ApiName]: (...args: ApiArgs<N>) => Promise<ApiReplies[N]> }

/** What the renderer holds as `window.api`: every api function, and a way to hear events. */
export type Api = ApiHandlers & {
  onEvent(listener: (event: AppEvent) => void): () => void
}
