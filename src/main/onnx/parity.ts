import { noGrad } from '../engine/autograd'
import { ImageDataset, type ImageSplit } from '../engine/data/dataset'
import type { Module } from '../engine/nn/module'
import { sigmoidValue } from '../engine/ops/elementwise'
import type { OnnxClassifier } from './inference'

/** How closely onnxruntime running the file agrees with the engine, on the same images. */
export interface ParityReport {
  readonly images: number
  /** max |logit(onnxruntime) − logit(engine)| over every image and column. */
  readonly maxLogitDelta: number
  /** The largest |logit| the engine gave: float32 rounding grows with it. */
  readonly maxLogit: number
  readonly maxProbabilityDelta: number
  /** Share of images whose predicted class is the same (1 = all). */
  readonly argmaxAgreement: number
  readonly disagreements: number
  readonly tolerance: number
  /**
   * Every prediction agrees and every |Δlogit| ≤ tolerance · max(1, |logit|): absolute for logits up to
   * 1, relative beyond (a badly scaled model with logits in the hundreds differs by float32 rounding alone).
   */
  readonly passed: boolean
}

/** The engine's logits for some images of a split: `columns` per image, row-major. */
export interface EngineLogits {
  readonly data: Float32Array
  readonly columns: number
}

/** Computes the engine's side of the check for the images at `indices`, read at `size` (the app: in a worker thread). */
export type EngineEvaluator = (indices: Int32Array, size: readonly [number, number]) => Promise<EngineLogits>

export interface ParityOptions {
  /** Largest |Δlogit| accepted (default 1e-4). */
  readonly tolerance?: number
  /** Images compared, spread evenly over the split (default 2,000; Infinity for all). */
  readonly maxImages?: number
  /** Where the engine's logits come from (default: the model, on this thread). */
  readonly engine?: EngineEvaluator
}

/** The model's logits for the images at `indices` of `split`, in batches of 256, on this thread. */
export function engineLogits(model: Module, split: ImageSplit, size: readonly [number, number], indices: Int32Array): EngineLogits {
  const dataset = new ImageDataset(split, size[0], size[1], 'class')
  model.eval()
  let data = new Float32Array(0)
  let columns = 0
  for (let start = 0; start < indices.length; start += 256) {
    const { x } = dataset.batch(indices.subarray(start, Math.min(indices.length, start + 256)))
    const output = noGrad(() => model.forward(x))
    if (start === 0) {
      columns = output.shape[1]
      data = new Float32Array(indices.length * columns)
    }
    // NOTE: copied at once: the engine may reuse its output's memory for the next batch.
    data.set(output.data.subarray(0, x.shape[0] * columns), start * columns)
  }
  return { data, columns }
}

/** Class of each row: arg-max, or for one logit the chapter's rule σ(logit) > 0.5 → the first label. */
function predictedClass(logits: Float32Array, row: number, columns: number): number {
  if (columns === 1) return sigmoidValue(logits[row]) > 0.5 ? 0 : 1
  let best = 0
  for (let c = 1; c < columns; c++) if (logits[row * columns + c] > logits[row * columns + best]) best = c
  return best
}

/** The engine's probabilities for its logits: [σ(l), σ(−l)] for one logit, softmax otherwise. */
function engineProbabilities(logits: Float32Array, columns: number): Float32Array {
  if (columns === 1) return Float32Array.from({ length: logits.length * 2 }, (_, i) => sigmoidValue(i % 2 === 0 ? logits[i >> 1] : -logits[i >> 1]))
  const out = new Float32Array(logits.length)
  for (let row = 0; row < logits.length; row += columns) {
    let max = -Infinity
    for (let c = 0; c < columns; c++) max = Math.max(max, logits[row + c])
    let sum = 0
    for (let c = 0; c < columns; c++) sum += out[row + c] = Math.exp(logits[row + c] - max)
    for (let c = 0; c < columns; c++) out[row + c] /= sum
  }
  return out
}

/** max |a − b| over two equally long arrays, optionally each divided by max(1, |a|); NaN anywhere makes it NaN (and the check fail). */
function maxDelta(a: Float32Array, b: Float32Array, scaled = false): number {
  if (a.length !== b.length) return Number.NaN
  let max = 0
  for (let i = 0; i < a.length; i++) {
    const delta = Math.abs(a[i] - b[i]) / (scaled ? Math.max(1, Math.abs(a[i])) : 1)
    if (!(delta <= max)) max = delta
  }
  return max
}

const maxAbs = (values: Float32Array): number => values.reduce((max, v) => Math.max(max, Math.abs(v)), 0)

/**
 * Run the same validation images through the engine and through onnxruntime, and compare logits
 * and predicted classes. This is what proves an export computes what the app computed.
 */
export async function checkParity(classifier: OnnxClassifier, model: Module, split: ImageSplit, size: readonly [number, number], options: ParityOptions = {}): Promise<ParityReport> {
  const tolerance = options.tolerance ?? 1e-4
  const count = Math.min(split.count, options.maxImages ?? 2000)
  const indices = Int32Array.from({ length: count }, (_, i) => Math.floor((i * split.count) / count))
  const dataset = new ImageDataset(split, size[0], size[1], 'class')
  const engineSide = await (options.engine ?? (async (at: Int32Array) => engineLogits(model, split, size, at)))(indices, size)
  const columns = engineSide.columns
  let maxLogitDelta = 0
  let maxScaledDelta = 0
  let maxLogit = 0
  let maxProbabilityDelta = 0
  let disagreements = 0
  for (let start = 0; start < count; start += 256) {
    const { x } = dataset.batch(indices.subarray(start, Math.min(count, start + 256)))
    const n = x.shape[0]
    const engine = { data: engineSide.data.subarray(start * columns, (start + n) * columns) }
    const onnx = await classifier.run(x.data, n)
    if (!onnx.logits) throw new Error('the exported model has no logits output')
    maxLogitDelta = Math.max(maxLogitDelta, maxDelta(engine.data, onnx.logits))
    maxScaledDelta = Math.max(maxScaledDelta, maxDelta(engine.data, onnx.logits, true))
    maxLogit = Math.max(maxLogit, maxAbs(engine.data))
    maxProbabilityDelta = Math.max(maxProbabilityDelta, maxDelta(engineProbabilities(engine.data, columns), onnx.scores))
    for (let row = 0; row < n; row++) if (predictedClass(engine.data, row, columns) !== predictedClass(onnx.logits, row, columns)) disagreements++
  }
  return {
    images: count,
    maxLogitDelta,
    maxLogit,
    maxProbabilityDelta,
    argmaxAgreement: count === 0 ? 1 : (count - disagreements) / count,
    disagreements,
    tolerance,
    passed: maxScaledDelta <= tolerance && disagreements === 0,
  }
}

/** The report in one line: `parity on 2038 validation images: max |Δlogit| 2.4e-7, argmax agreement 100.00% (tolerance 1e-4)`. */
export function formatParity(report: ParityReport): string {
  const agreement = `${(report.argmaxAgreement * 100).toFixed(2)}%${report.disagreements ? ` (${report.disagreements} differ)` : ''}`
  const scale = report.maxLogit > 1 ? ` (logits up to ${report.maxLogit >= 100 ? Math.round(report.maxLogit) : report.maxLogit.toFixed(1)})` : ''
  return `parity on ${report.images} validation images: max |Δlogit| ${report.maxLogitDelta.toExponential(1)}${scale}, ` +
    `max |Δp| ${report.maxProbabilityDelta.toExponential(1)}, argmax agreement ${agreement} (tolerance ${report.tolerance.toExponential(0)})`
}
