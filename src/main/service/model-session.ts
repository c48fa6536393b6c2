import { basename } from 'node:path'
import { isBuiltinDataset } from '../datasets'
import { buildOnnxModel } from '../onnx/build'
import { verifiedOnnx } from '../onnx/export'
import { workerEvaluator } from './engine-evaluation'
import { OnnxClassifier } from '../onnx/inference'
import { KEYS } from '../onnx/metadata'
import { writeFileAtomic } from '../storage/atomic-write'
import type { Classification, ExportReply, ExportRequest, ModelView } from '../../shared/inference'
import type { TrainedModel } from './trained-model'

/** Accuracy and epochs our exports record in their `training` metadata, if present. */
function recordedTraining(metadata: ReadonlyMap<string, string>): { accuracy: number | null; epochs: number | null } {
  try {
    const training = JSON.parse(metadata.get(KEYS.training) ?? 'null') as { epochs?: number; metrics?: { accuracy?: number | null } } | null
    return { accuracy: training?.metrics?.accuracy ?? null, epochs: training?.epochs ?? null }
  } catch {
    return { accuracy: null, epochs: null }
  }
}

/**
 * The model Draw classifies with and Export writes. A trained model is turned into ONNX and run by
 * onnxruntime — what the user draws is classified by the same bytes an export would write; an
 * opened .onnx file is run as it is.
 */
export class ModelSession {
  private trained: TrainedModel | null = null
  private classifier: OnnxClassifier | null = null
  private current: ModelView | null = null
  /** The .onnx file open (a trained model has none), to open again when going back to it. */
  private openedPath: string | null = null

  /** The model trained here that Draw uses, if it is one (an opened file is not). */
  get trainedModel(): TrainedModel | null {
    return this.trained
  }

  /**
   * A way back to the model in use now: calling it makes that model the one in use again (a trained model rebuilt
   * for onnxruntime, an opened file opened again; none when there was none).
   */
  remember(): () => Promise<ModelView | null> {
    const [trained, path] = [this.trained, this.openedPath]
    return async () => {
      if (trained) return this.useTrained(trained)
      if (path) return this.openFile(path)
      await this.close()
      this.trained = null
      this.current = null
      return null
    }
  }

  get view(): ModelView | null {
    return this.current
  }

  /** Take the model a run left; Draw switches to it. */
  async useTrained(model: TrainedModel): Promise<ModelView> {
    const classifier = await OnnxClassifier.fromBytes(buildOnnxModel(model.exportSource(isBuiltinDataset(model.source))))
    const view: ModelView = {
      origin: 'trained', name: model.config.model.kind, labels: model.dataset.labelNames,
      accuracy: model.accuracy, epochs: model.epochs, ours: true, exportable: model.dataset.valid.count > 0,
    }
    await this.replace(classifier, model, view)
    return view
  }

  /** Open an .onnx file (ours or another compatible digit model); a bad file is refused with one line. */
  async openFile(path: string): Promise<ModelView> {
    const classifier = await OnnxClassifier.open(path)
    const { ours, labels, metadata } = classifier.description
    const view: ModelView = {
      origin: 'file', name: basename(path), labels: labels ?? classifier.labels,
      ...(ours ? recordedTraining(metadata) : { accuracy: null, epochs: null }), ours, exportable: false,
    }
    await this.replace(classifier, null, view)
    this.openedPath = path
    return view
  }

  /** Classify one 28×28 image (uint8, ink bright) with onnxruntime. */
  async classify(pixels: Uint8Array): Promise<Classification> {
    if (!this.classifier) throw new Error('no model yet: train one, or open an .onnx file')
    if (pixels.length !== 28 * 28) throw new Error(`a drawing is 28×28 = 784 pixels, got ${pixels.length}`)
    const prediction = await this.classifier.classifyOne(Float32Array.from(pixels, (v) => v / 255))
    return { labels: this.classifier.labels, probabilities: Array.from(prediction.scores), best: prediction.label }
  }

  /** Export the trained model, after proving onnxruntime runs it like the engine on the validation set. */
  async export(request: ExportRequest): Promise<ExportReply> {
    const model = this.trained
    if (!model) throw new Error(this.current ? 'an opened .onnx file is already an export; only a model trained here can be exported' : 'no model yet: train one first')
    if (model.dataset.valid.count === 0) throw new Error(`an export is checked on validation images, and the data of this model (${model.source}) is not open: open it to export`)
    const { bytes, parity } = await verifiedOnnx(model.exportSource(isBuiltinDataset(model.source)), model.dataset.valid, { engine: workerEvaluator(model) })
    if (request.path) await writeFileAtomic(request.path, bytes)
    return {
      path: request.path ?? null,
      base64: request.path ? null : Buffer.from(bytes).toString('base64'),
      fileName: request.path ? basename(request.path) : `${model.config.model.kind}-${model.dataset.name}.onnx`,
      bytes: bytes.length,
      parity: { images: parity.images, maxLogitDelta: parity.maxLogitDelta, argmaxAgreement: parity.argmaxAgreement, tolerance: parity.tolerance },
    }
  }

  async close(): Promise<void> {
    await this.classifier?.close()
    this.classifier = null
  }

  private async replace(classifier: OnnxClassifier, trained: TrainedModel | null, view: ModelView): Promise<void> {
    await this.classifier?.close()
    this.classifier = classifier
    this.trained = trained
    this.openedPath = null
    this.current = view
  }
}
