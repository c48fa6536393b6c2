import * as v from 'valibot'
import type { ModelView } from './inference'

const FolderSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(4096))

/** The arguments of the handwriting api: a folder of collected drawings, one subfolder per digit. */
export const HANDWRITING_ARGS = {
  handwritingDrawings: v.tuple([FolderSchema]),
  fineTuneHandwriting: v.tuple([v.object({ folder: FolderSchema })]),
  undoHandwriting: v.tuple([]),
} as const

/** The drawings a folder holds: how many of each digit (0–9), and the files left out with why. */
export interface HandwritingDrawings {
  readonly folder: string
  readonly perDigit: readonly number[]
  readonly count: number
  readonly skipped: readonly { readonly file: string; readonly reason: string }[]
}

/** A handwriting fine-tune started: its run (whose events tell progress and, at the end, before and after). */
export interface HandwritingStarted extends HandwritingDrawings {
  readonly runId: number
  /** The model it starts from, for people ("the cnn trained on mnist", "MNIST CNN"). */
  readonly startsFrom: string
  /** Why it does not start from the model in use, when it does not. */
  readonly note: string | null
}

export interface HandwritingReplies {
  handwritingDrawings: HandwritingDrawings
  /** Fine-tune the model in use on the drawings; the result becomes the model in use when the run completes. */
  fineTuneHandwriting: HandwritingStarted
  /** Go back to the model in use before the last handwriting fine-tune (null: there was none). */
  undoHandwriting: ModelView | null
}

/** MNIST test accuracy falling by this many points or more is told as a warning. */
export const FORGETTING_WARNING_POINTS = 1
