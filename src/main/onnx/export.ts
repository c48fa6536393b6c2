import type { ImageSplit } from '../engine/data/dataset'
import { writeFileAtomic } from '../storage/atomic-write'
import { buildOnnxModel, type ExportSource } from './build'
import { OnnxClassifier } from './inference'
import { preprocessingFor } from './metadata'
import { checkParity, formatParity, type ParityOptions, type ParityReport } from './parity'

/** An export that was written: where, how big, and the parity that allowed it. */
export interface ExportResult {
  readonly path: string
  readonly bytes: number
  readonly parity: ParityReport
}

/** The exported file did not compute what the engine computes; nothing was written. */
export class ParityError extends Error {
  override readonly name = 'ParityError'

  constructor(readonly report: ParityReport) {
    super(`export refused, nothing written: onnxruntime disagrees with the engine — ${formatParity(report)}`)
  }
}

/** ONNX bytes that onnxruntime has been shown to run like the engine, and that proof. */
export interface VerifiedExport {
  readonly bytes: Uint8Array
  readonly parity: ParityReport
}

/**
 * Build a model's ONNX bytes and prove them: onnxruntime, running the finished bytes (loaded
 * through the same checks as any model Digit Lab opens), must match the engine on the validation
 * images, or ParityError is thrown.
 */
export async function verifiedOnnx(source: ExportSource, validation: ImageSplit, options: ParityOptions = {}): Promise<VerifiedExport> {
  const bytes = buildOnnxModel(source)
  const size = (source.preprocessing ?? preprocessingFor('mnist')).size
  const classifier = await OnnxClassifier.fromBytes(bytes)
  let parity: ParityReport
  try {
    parity = await checkParity(classifier, source.model, validation, size, options)
  } finally {
    await classifier.close()
  }
  if (!parity.passed) throw new ParityError(parity)
  return { bytes, parity }
}

/**
 * Export a model to `path` as ONNX, but only once its parity is proven (`verifiedOnnx`). On a
 * mismatch it throws ParityError and writes nothing; the file is written atomically.
 */
export async function exportOnnx(path: string, source: ExportSource, validation: ImageSplit, options: ParityOptions = {}): Promise<ExportResult> {
  const { bytes, parity } = await verifiedOnnx(source, validation, options)
  await writeFileAtomic(path, bytes)
  return { path, bytes: bytes.length, parity }
}
