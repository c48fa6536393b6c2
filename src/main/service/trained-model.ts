import type { DigitDataset } from '../engine/data/dataset'
import { createModel } from '../engine/models/zoo'
import type { Module } from '../engine/nn/module'
import { Random } from '../engine/random'
import type { ExportSource } from '../onnx/build'
import { preprocessingFor } from '../onnx/metadata'
import type { TrainingConfig } from '../../shared/training'

/** A model a run left in main: the engine module rebuilt from the worker's weights, and its story. */
export class TrainedModel {
  private constructor(
    readonly model: Module,
    readonly config: TrainingConfig,
    readonly dataset: DigitDataset,
    readonly source: string,
    readonly epochs: number,
    readonly accuracy: number | null,
    /** Trained on digits prepared as MNIST's (ink box into 20×20, centred by mass): drawings, or a built-in. */
    readonly centred: boolean,
  ) {}

  /** Rebuild the run's architecture and load the weights it ended with. */
  static fromState(config: TrainingConfig, dataset: DigitDataset, source: string, state: Record<string, Float32Array>, epochs: number, accuracy: number | null, centred = false): TrainedModel {
    const outputs = config.loss === 'mnist' ? 1 : dataset.labelNames.length
    const model = createModel(config.model, dataset, outputs, new Random(config.seed))
    model.loadStateDict(state)
    model.eval()
    return new TrainedModel(model, config, dataset, source, epochs, accuracy, centred)
  }

  /** What an ONNX export of it says: labels, architecture, training, preprocessing. */
  exportSource(builtin: boolean): ExportSource {
    return {
      model: this.model,
      spec: this.config.model,
      labelNames: this.dataset.labelNames,
      training: { dataset: this.source, loss: this.config.loss, epochs: this.epochs, seed: this.config.seed, metrics: { accuracy: this.accuracy } },
      preprocessing: preprocessingFor(builtin || this.centred ? 'mnist' : 'none', this.dataset.height, this.dataset.width),
    }
  }
}
