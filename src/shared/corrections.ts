import * as v from 'valibot'

/** The name of the corrections file Digit Lab keeps beside a dataset's images. */
export const CORRECTIONS_FILE = 'digit-lab-corrections.json'

/** Longest file key and class name a correction may carry (a path relative to the dataset, a label). */
const FileKeySchema = v.pipe(v.string(), v.minLength(1), v.maxLength(4096))
const LabelSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(200))

/**
 * One correction of one image, named by its source as the importer reports it (a path relative to
 * the dataset's folder, or `file.csv:line`): it is relabelled as another class, or left out.
 */
/** The SHA-256 of the image file's bytes when it was corrected: the correction applies to those bytes only. */
const DigestSchema = v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)))

export const CorrectionSchema = v.variant('action', [
  v.object({ file: FileKeySchema, action: v.literal('relabel'), label: LabelSchema, sha256: DigestSchema }),
  v.object({ file: FileKeySchema, action: v.literal('leave-out'), sha256: DigestSchema }),
])
export type Correction = v.InferOutput<typeof CorrectionSchema>

/** What the renderer asks: correct one image of the open dataset, or take back the correction of one. */
export const CorrectionRequestSchema = v.object({ correction: CorrectionSchema })
/** Several corrections at once (a health warning's fix: leave every validation copy out), imported again once. */
export const CorrectionsRequestSchema = v.object({ corrections: v.pipe(v.array(CorrectionSchema), v.minLength(1), v.maxLength(10000)) })
export const UndoCorrectionRequestSchema = v.object({ file: FileKeySchema })

/** The corrections of the open dataset, as the Data view lists them. */
export interface CorrectionsView {
  /** Where they are kept: the file beside the images, or one in Digit Lab's data folder. */
  readonly path: string
  /** Why they are kept there (e.g. "the folder is read-only"); null beside the images. */
  readonly elsewhere: string | null
  /** Every correction in the file, oldest first. */
  readonly entries: readonly Correction[]
  readonly relabelled: number
  readonly leftOut: number
  /** Corrections naming a file this import does not hold, or a class it has not: kept, but not applied. */
  readonly unmatched: readonly string[]
}

/** "3 relabelled, 2 left out" (or "no corrections"). */
export function correctionsSummary(view: Pick<CorrectionsView, 'relabelled' | 'leftOut'>): string {
  const parts = [view.relabelled > 0 ? `${view.relabelled} relabelled` : '', view.leftOut > 0 ? `${view.leftOut} left out` : ''].filter(Boolean)
  return parts.length > 0 ? parts.join(', ') : 'no corrections'
}
