import type { LabApiName } from '../../../shared/lab-channels'
import type { LabArgs, LabEvent, LabReplies } from '../../../shared/lab'
import type { DigitDataset } from '../../engine/data/dataset'
import type { ImportProgress, ImportResult } from '../../datasets'
import type { ApiArgs } from '../../../shared/api'
import type { DatasetDescription, ImportedData } from '../open-dataset'
import type { LabSession, LabSessionOptions } from './lab-session'
import type { TrainViewRun } from './ladder'

/** Each Lab api function, answered on the open dataset's session. */
export type LabApi = { readonly [K in LabApiName]: (...args: LabArgs<K>) => LabReplies[K] | Promise<LabReplies[K]> }

/** The Lab's api on a session: `session()` is read when a call starts, so a call keeps the dataset it began on. */
export function labApi(session: () => LabSession): LabApi {
  return {
    labPixels: (image) => session().pixels(image),
    labBroadcast: (request) => session().broadcast(request.label),
    labSgd: (request) => session().sgd(request),
    labDerivative: (request) => session().derivative(request),
    labGraph: (request) => session().graph(request),
    labStep: (request) => session().step(request),
    labResetModel: (request) => session().resetModel(request.model),
    labNudge: (request) => session().nudge(request),
    labWeights: (request) => session().weights(request.model),
    labSaliency: (request) => session().saliency(request),
    labTrain: (request) => session().ladder.start(request),
    labStopTraining: () => session().ladder.stop(),
    labLadder: () => session().ladder.view,
  }
}

/** What a Lab session needs besides its dataset (its events go back as messages). */
export type LabOpenOptions = Omit<LabSessionOptions, 'emit' | 'baselineProgress'>

/**
 * What the Lab's worker answers (worker/lab-worker.ts): the Lab's api on the open dataset, and what opening a
 * dataset needs — a built-in imported, a dataset's description (summary and health) and a new session on it, the
 * last one closed.
 */
export type LabWorkerCalls = LabApi & {
  /** A built-in imported with its corrections (kept in `dataFolder`), and described; its progress as `import-progress` events tagged `progress`. */
  readonly importBuiltin: (name: string, settings: ApiArgs<'openFolder'>[1], dataFolder: string | undefined, progress: number) => Promise<{ data: ImportedData; description: DatasetDescription }>
  readonly describe: (dataset: DigitDataset, sources: ImportResult['sources'], nearSearch: boolean) => DatasetDescription
  readonly open: (dataset: DigitDataset, sources: ImportResult['sources'], options: LabOpenOptions) => void
  /** A Train view run on the open dataset, for the ladder (and the Lab's models). */
  readonly adoptRun: (run: TrainViewRun) => void
}

/** What the Lab's worker says unasked: the Lab's events, for the renderer, and how far an import has come. */
export type LabWorkerEvent = { readonly type: 'lab-event'; readonly event: LabEvent } | { readonly type: 'import-progress'; readonly id: number; readonly progress: ImportProgress }
