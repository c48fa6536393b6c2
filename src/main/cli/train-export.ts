import { isBuiltinDataset } from '../datasets'
import type { DigitDataset } from '../engine/data/dataset'
import type { Learner } from '../engine/learner/learner'
import { exportOnnx, type ExportResult } from '../onnx/export'
import { preprocessingFor } from '../onnx/metadata'
import type { TrainingConfig } from '../../shared/training'

/**
 * `train --export model.onnx`: write the trained model as ONNX once onnxruntime agrees with the
 * engine on the validation images (up to 2,000). The built-in MNIST data is MNIST-centred; an
 * imported folder is only letterboxed, and the file's preprocessing metadata says which.
 */
export async function exportTrained(path: string, source: string, config: TrainingConfig, dataset: DigitDataset, learner: Learner, metrics: Record<string, number | null>): Promise<ExportResult> {
  return exportOnnx(path, {
    model: learner.model,
    spec: config.model,
    labelNames: dataset.labelNames,
    training: { dataset: source, loss: config.loss, epochs: learner.epochsDone, seed: config.seed, metrics },
    preprocessing: preprocessingFor(isBuiltinDataset(source) ? 'mnist' : 'none', dataset.height, dataset.width),
  }, dataset.valid)
}
