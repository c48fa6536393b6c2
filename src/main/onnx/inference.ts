import { readFile, stat } from 'node:fs/promises'
import { InferenceSession, Tensor as OrtTensor, sessionOptions } from './runtime'
import { OnnxModelError, firstLine, formatBytes, runtimeMessage } from './errors'
import { IMAGE_SIDE, describeModel, type ModelDescription } from './inspect'

/** Files larger than this are not read (ResNet-18 exports at about 45 MB). */
export const MAX_MODEL_FILE_BYTES = 512 * 2 ** 20

const PIXELS = IMAGE_SIDE * IMAGE_SIDE
/** Images per onnxruntime call for a model with a dynamic batch. */
const CHUNK = 256

/** One image's result: the best class and a score per label (probabilities, ordered like `labels`). */
export interface Prediction {
  readonly index: number
  readonly label: string
  readonly scores: Float32Array
}

/** A batch's raw outputs, row-major: `scores` (count × classes) and, for our exports, `logits`. */
export interface BatchOutputs {
  readonly count: number
  readonly classes: number
  readonly scores: Float32Array
  readonly logits: Float32Array | null
}

/** Whether every row is already a probability distribution (non-negative, summing to 1). */
function looksLikeProbabilities(values: Float32Array, classes: number): boolean {
  for (let row = 0; row < values.length; row += classes) {
    let sum = 0
    for (let c = 0; c < classes; c++) {
      const v = values[row + c]
      if (!(v >= 0 && v <= 1)) return false
      sum += v
    }
    if (Math.abs(sum - 1) > 1e-3) return false
  }
  return true
}

/** Softmax of each row, in place, computed stably (the row's maximum subtracted first). */
function softmaxRows(values: Float32Array, classes: number): Float32Array {
  for (let row = 0; row < values.length; row += classes) {
    let max = -Infinity
    for (let c = 0; c < classes; c++) max = Math.max(max, values[row + c])
    let sum = 0
    for (let c = 0; c < classes; c++) sum += values[row + c] = Math.exp(values[row + c] - max)
    for (let c = 0; c < classes; c++) values[row + c] /= sum
  }
  return values
}

/**
 * Runs an ONNX digit classifier under onnxruntime: one of Digit Lab's exports, or any model with one
 * float32 [1|N,1,28,28] input and a float [N, classes] output (such as the ONNX model zoo's MNIST).
 * Inputs are 28×28 images as floats in 0..1, ink bright; results are scores per label. Every
 * problem — with the file, or with what it outputs when run — is an OnnxModelError with one line.
 */
export class OnnxClassifier {
  private labelNames: readonly string[] | null

  private constructor(
    private readonly session: InferenceSession,
    readonly description: ModelDescription,
  ) {
    this.labelNames = description.labels
  }

  /** Open a model file: size-checked before it is read, checked before onnxruntime loads it. */
  static async open(path: string): Promise<OnnxClassifier> {
    let size: number
    try {
      const info = await stat(path)
      if (!info.isFile()) throw new OnnxModelError(`${path} is not a file`)
      size = info.size
    } catch (error) {
      if (error instanceof OnnxModelError) throw error
      throw new OnnxModelError(`cannot open ${path}: ${firstLine(error)}`)
    }
    if (size > MAX_MODEL_FILE_BYTES) throw new OnnxModelError(`${path} is ${formatBytes(size)}, over the ${formatBytes(MAX_MODEL_FILE_BYTES)} a digit model may be`)
    // What is wrong inside the file is said of the file, so the person knows which one was refused.
    return OnnxClassifier.fromBytes(await readFile(path)).catch((error: unknown) => Promise.reject(error instanceof OnnxModelError ? new OnnxModelError(`${path}: ${error.message}`) : error))
  }

  /** Load a model from bytes already in memory. */
  static async fromBytes(bytes: Uint8Array): Promise<OnnxClassifier> {
    const description = describeModel(bytes)
    let session: InferenceSession
    try {
      session = await InferenceSession.create(bytes, sessionOptions())
    } catch (error) {
      throw new OnnxModelError(`onnxruntime cannot load the model: ${runtimeMessage(error)}`)
    }
    return new OnnxClassifier(session, description)
  }

  /** The label of each score column ('0'…'9' for a model that does not name them, once known). */
  get labels(): readonly string[] {
    return this.labelNames ?? []
  }

  /** Run `count` images (count × 784 floats in 0..1) and return the score (and logit) rows. */
  async run(images: Float32Array, count: number): Promise<BatchOutputs> {
    if (images.length !== count * PIXELS) throw new Error(`expected ${count} images of ${PIXELS} values, got ${images.length} values`)
    const step = this.description.batch === 1 ? 1 : CHUNK
    const parts: BatchOutputs[] = []
    for (let start = 0; start < count; start += step) {
      const n = Math.min(step, count - start)
      parts.push(await this.runChunk(images.subarray(start * PIXELS, (start + n) * PIXELS), n))
    }
    const classes = parts[0]?.classes ?? this.labels.length
    const join = (pick: (part: BatchOutputs) => Float32Array | null): Float32Array | null => {
      const chunks = parts.map(pick)
      if (chunks.some((chunk) => chunk === null)) return null
      const all = new Float32Array(chunks.reduce((n, chunk) => n + chunk!.length, 0))
      let offset = 0
      for (const chunk of chunks) {
        all.set(chunk!, offset)
        offset += chunk!.length
      }
      return all
    }
    return { count, classes, scores: join((part) => part.scores)!, logits: join((part) => part.logits) }
  }

  /** The predicted label and per-label scores of each image. */
  async classify(images: Float32Array, count: number): Promise<Prediction[]> {
    const { classes, scores } = await this.run(images, count)
    return Array.from({ length: count }, (_, i) => {
      const row = scores.slice(i * classes, (i + 1) * classes)
      let best = 0
      for (let c = 1; c < classes; c++) if (row[c] > row[best]) best = c
      return { index: best, label: this.labels[best], scores: row }
    })
  }

  /** Classify one 28×28 image. */
  async classifyOne(image: Float32Array): Promise<Prediction> {
    return (await this.classify(image, 1))[0]
  }

  /** Free onnxruntime's memory for this model. */
  async close(): Promise<void> {
    await this.session.release()
  }

  private async runChunk(images: Float32Array, n: number): Promise<BatchOutputs> {
    const { inputName, scoreOutput, logitsOutput } = this.description
    let results: InferenceSession.OnnxValueMapType
    try {
      // NOTE: copied: onnxruntime-node rejects arrays on a SharedArrayBuffer (the engine's tensors may live in
      // shared wasm memory), and the caller may reuse its buffer while the run is in flight.
      const input = new OrtTensor('float32', new Float32Array(images), [n, 1, IMAGE_SIDE, IMAGE_SIDE])
      results = await this.session.run({ [inputName]: input })
    } catch (error) {
      throw new OnnxModelError(`onnxruntime could not run the model: ${runtimeMessage(error)}`)
    }
    const scores = this.checkedOutput(results[scoreOutput] as OrtTensor | undefined, scoreOutput, n)
    const classes = scores.length / n
    if (!this.labelNames) this.labelNames = Array.from({ length: classes }, (_, i) => String(i))
    if (classes !== this.labels.length) throw new OnnxModelError(`output "${scoreOutput}" gave ${classes} scores per image for ${this.labels.length} labels`)
    const logits = logitsOutput ? this.checkedOutput(results[logitsOutput] as OrtTensor | undefined, logitsOutput, n) : null
    const probabilities = this.description.ours || looksLikeProbabilities(scores, classes) ? scores : softmaxRows(scores, classes)
    return { count: n, classes, scores: probabilities, logits }
  }

  private checkedOutput(tensor: OrtTensor | undefined, name: string, n: number): Float32Array {
    if (!tensor) throw new OnnxModelError(`the model did not produce its output "${name}"`)
    if (tensor.type !== 'float32') throw new OnnxModelError(`output "${name}" is ${tensor.type}; Digit Lab reads float32 class scores`)
    if (tensor.dims.length !== 2 || tensor.dims[0] !== n) {
      throw new OnnxModelError(`output "${name}" has shape [${tensor.dims.join(',')}] for ${n} images; Digit Lab reads [N, classes]`)
    }
    return Float32Array.from(tensor.data as Float32Array)
  }
}
