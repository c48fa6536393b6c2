import * as v from 'valibot'

/** 28×28 uint8 pixels (ink bright), base64: what the Draw view sends after MNIST-style centring. */
export const DigitImageSchema = v.pipe(v.string(), v.maxLength(2048), v.base64())

/** The model Draw classifies with and Export writes: the one just trained, or an .onnx file opened. */
export interface ModelView {
  readonly origin: 'trained' | 'file'
  /** The architecture (`simple_net`) or the file's name. */
  readonly name: string
  readonly labels: readonly string[]
  /** Validation accuracy when known (a trained model, or our export's metadata). */
  readonly accuracy: number | null
  readonly epochs: number | null
  /** A Digit Lab export whose checksum matched, or a trained model; false for other producers' files. */
  readonly ours: boolean
  readonly exportable: boolean
}

/** One drawing's classification: a probability per label, and the best. */
export interface Classification {
  readonly labels: readonly string[]
  readonly probabilities: readonly number[]
  readonly best: string
}

export const ExportRequestSchema = v.object({
  /** Write here (atomically); without a path the bytes come back for a download. */
  path: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))),
})

export type ExportRequest = v.InferOutput<typeof ExportRequestSchema>

/** An export that passed its parity check. */
export interface ExportReply {
  readonly path: string | null
  /** The file, base64, when no path was given (browser mode downloads it). */
  readonly base64: string | null
  readonly fileName: string
  readonly bytes: number
  readonly parity: {
    readonly images: number
    readonly maxLogitDelta: number
    readonly argmaxAgreement: number
    readonly tolerance: number
  }
}

export const PathPurposeSchema = v.picklist(['export-onnx', 'open-onnx', 'open-folder', 'save-project', 'open-project', 'export-pytorch'])

/** What a native file dialog is for. */
export type PathPurpose = v.InferOutput<typeof PathPurposeSchema>
