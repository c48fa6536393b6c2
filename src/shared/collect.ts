import * as v from 'valibot'

// Collecting drawings as data (Draw view → a dataset folder). The api, in `api.ts`:
//   saveDrawing({ pixels, width, height, label, target }) → SavedDrawing: one PNG in FOLDER/<label>/
//   collection({ target })                                 → CollectionView: where drawings go, counts per class
//   undoDrawing({ target, file? })                         → UndoneDrawing: deletes this session's last (or that) file
//   openCollection({ target })                             → DatasetView: the folder opened as the dataset, like any folder
//   showCollection({ target })                             → null, or why the folder cannot be shown (browser mode)

/** Where drawings are kept: the personal dataset in Digit Lab's data folder, or the folder of the open dataset. */
export const COLLECT_TARGETS = ['personal', 'open'] as const
export type CollectTarget = (typeof COLLECT_TARGETS)[number]

/** The personal dataset's folder name, under `<data folder>/datasets/`. */
export const PERSONAL_DATASET = 'My handwriting'

/** The largest side a saved drawing may have, in pixels (the Draw pad is 280). */
export const MAX_DRAWING_SIDE = 1024

/** Folder names that would turn class folders into a train/valid layout (or are hidden): never a label. */
const RESERVED_LABELS = /^(train|training|valid|validation|val|test|testing)$/i

/**
 * A label that is a safe folder name on every system: letters, digits, space, `_` and `-`, 1 to 40
 * characters, starting with a letter or digit — no dots, slashes or reserved layout names.
 */
export const CollectLabelSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$/, 'a label is 1 to 40 letters, digits, spaces, “_” or “-”, starting with a letter or digit (it names a folder)'),
  v.check((label) => !RESERVED_LABELS.test(label) && label.trimEnd() === label, 'that label cannot name a class folder (train, valid, test and the like name splits; no trailing space)'),
)

const TargetSchema = v.picklist(COLLECT_TARGETS, 'the target is "personal" (your own dataset) or "open" (the folder of the open dataset)')
const side = v.pipe(v.number(), v.integer(), v.minValue(8), v.maxValue(MAX_DRAWING_SIDE))

/** Bytes a base64 text decodes to. */
export function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  return (text.length / 4) * 3 - padding
}

/** A drawing to keep: `width`×`height` gray pixels (ink bright on 0, as the pad rasterizes it), base64, and its class. */
export const SaveDrawingRequestSchema = v.pipe(
  v.object({
    pixels: v.pipe(v.string(), v.maxLength(Math.ceil((MAX_DRAWING_SIDE * MAX_DRAWING_SIDE) / 3) * 4), v.base64('the pixels are base64 text')),
    width: side,
    height: side,
    label: CollectLabelSchema,
    target: TargetSchema,
  }),
  v.check((request) => base64Bytes(request.pixels) === request.width * request.height, 'the pixels do not fill width × height (one gray byte per pixel)'),
)
export type SaveDrawingRequest = v.InferOutput<typeof SaveDrawingRequestSchema>

export const CollectionRequestSchema = v.object({ target: TargetSchema })

/** Take back a drawing saved in this session: `file` (as `SavedDrawing.file` named it), or else the last one. */
export const UndoDrawingRequestSchema = v.object({ target: TargetSchema, file: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))) })

/** How many drawings (images) one class folder holds. */
export interface ClassCount {
  readonly label: string
  readonly count: number
}

/** Where drawings of a target go, and what is there. */
export interface CollectionView {
  readonly target: CollectTarget
  /** The dataset folder: what "Open as dataset" opens; null when this target has none (no folder open). */
  readonly folder: string | null
  /** The folder the `<label>/` folders are written in: `folder`, or its `train/` in a train/valid layout. */
  readonly classFolder: string | null
  /** Images in each class folder there, labels in natural order. */
  readonly counts: readonly ClassCount[]
  /** Files saved in this session that undo can still take back, oldest first (full paths). */
  readonly saved: readonly string[]
  /** Why drawings cannot go there (e.g. an uploaded copy, a read-only folder); null when they can. */
  readonly problem: string | null
}

/** One drawing kept: its file (full path) and label, with the collection after it (`folder`, `counts`, …). */
export interface SavedDrawing extends CollectionView {
  readonly file: string
  readonly label: string
}

/** The drawing taken back (its file deleted): its file and label, with the collection after it. */
export type UndoneDrawing = SavedDrawing
