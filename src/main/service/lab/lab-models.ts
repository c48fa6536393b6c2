import type { DigitDataset } from '../../engine/data/dataset'
import { validateConfig } from '../../engine/learner/recipe'
import { createModel } from '../../engine/models/zoo'
import type { Module } from '../../engine/nn/module'
import { Random } from '../../engine/random'
import { defaultTrainingConfig, type TrainingConfig } from '../../../shared/training'
import type { ModelSpec } from '../../../shared/models'
import type { LabModelKind, LabModelStatus, LabViewModel } from '../../../shared/lab'
import type { ModelStepper } from './stepper'

/** The seed every Lab model starts from (the Train view's default too). */
export const LAB_SEED = 42

/** One of the Lab's models: the module, the config it follows, and what happened to it. */
export interface LabModel {
  readonly kind: LabViewModel
  readonly module: Module
  readonly config: TrainingConfig
  /** One sigmoid output and mnist_loss (two classes), or one logit per class and cross-entropy. */
  readonly binary: boolean
  history: string
  steps: number
  trained: boolean
  /** Its mini-batch stepper (panel 6), made on the first step. */
  stepper: ModelStepper | null
}

/**
 * The chapter's linear model and simple_net on the open dataset, one of each, shared by the panels
 * that step (6), inspect (5, 7, 8) and train (9) them. Each starts as `createLearner` builds it from
 * the seed, so a Lab model and a training run with the same config start from the same weights.
 */
export class LabModels {
  readonly #models = new Map<LabModelKind, LabModel>()
  #trained: LabModel | null = null

  constructor(private readonly dataset: DigitDataset) {}

  /** The model of a kind, made from the seed on first use; `trained` is the Train view's last run here, refused before one. */
  get(kind: LabViewModel): LabModel {
    if (kind === 'trained') {
      if (!this.#trained) throw new Error('no model has been trained in the Train view on this dataset yet: train one there, or look inside the Lab’s linear model or simple_net')
      return this.#trained
    }
    let model = this.#models.get(kind)
    if (!model) this.#models.set(kind, (model = this.#create(kind)))
    return model
  }

  /** Start a kind again from the seed. */
  reset(kind: LabModelKind): LabModel {
    this.#models.delete(kind)
    return this.get(kind)
  }

  /** Take the weights a training run ended with. */
  adopt(kind: LabModelKind, state: Record<string, Float32Array>, history: string): LabModel {
    const model = this.get(kind)
    model.module.loadStateDict(state)
    Object.assign(model, { history, steps: 0, trained: true, stepper: null })
    return model
  }

  /**
   * Take the model a run of the Train view ended with, whatever its architecture (a CNN fine-tuned from the
   * starting point too): the `trained` model Learned and Graph open on.
   */
  adoptTrained(config: TrainingConfig, state: Record<string, Float32Array>, history: string): LabModel {
    const binary = config.loss === 'mnist'
    const module = createModel(config.model, this.dataset, binary ? 1 : this.dataset.labelNames.length, new Random(config.seed).fork())
    module.loadStateDict(state)
    module.eval()
    return (this.#trained = { kind: 'trained', module, config, binary, history, steps: 0, trained: true, stepper: null })
  }

  /** The Train view's model, or null before a run of it ended here. */
  get trained(): LabModel | null {
    return this.#trained
  }

  /** A kind's weights as the seed makes them (what stepping and training start from); null for the Train view's model, whose start the Lab does not know. */
  initial(kind: LabViewModel): Module | null {
    return kind === 'trained' ? null : this.#create(kind).module
  }

  status(kind: LabViewModel): LabModelStatus {
    const model = this.get(kind)
    const classes = this.dataset.labelNames.length
    const outputs = model.binary ? 1 : classes
    const layers = layersOf(model.config.model, this.dataset.height * this.dataset.width, outputs)
    return {
      kind,
      architecture: `${layers}, ${model.binary ? 'sigmoid and mnist_loss' : 'softmax and cross-entropy'}`,
      parameters: model.module.parameterCount(),
      loss: model.binary ? 'mnist' : 'ce',
      history: model.steps > 0 ? `${model.history}, then ${model.steps} ${model.steps === 1 ? 'step' : 'steps'} by hand` : model.trained ? model.history : `${model.history}, untrained`,
      steps: model.steps,
      trained: model.trained,
    }
  }

  #create(kind: LabModelKind): LabModel {
    const config = { ...defaultTrainingConfig(kind, this.dataset.labelNames.length), seed: LAB_SEED }
    if (this.dataset.labelNames.length < 2) throw new Error('a model needs at least two classes to tell apart; this dataset has one')
    validateConfig(config, this.dataset)
    const binary = config.loss === 'mnist'
    // NOTE: the same draws as createLearner: the model from the first fork of the seed's generator.
    const module = createModel(config.model, this.dataset, binary ? 1 : this.dataset.labelNames.length, new Random(config.seed).fork())
    module.eval()
    return { kind, module, config, binary, history: `made from seed ${config.seed}`, steps: 0, trained: false, stepper: null }
  }
}

/** A model's layers in a line: "Linear 784 → 30, ReLU, Linear 30 → 1", "CNN: 4 × (Conv 3×3 stride 2, BatchNorm, ReLU) 16-32-64-128, pool, Linear 128 → 10". */
export function layersOf(spec: ModelSpec, pixels: number, outputs: number): string {
  switch (spec.kind) {
    case 'linear':
      return `Linear ${pixels} → ${outputs}`
    case 'simple_net':
      return `Linear ${pixels} → ${spec.hidden}, ReLU, Linear ${spec.hidden} → ${outputs}`
    case 'mlp': {
      const widths = [pixels, ...spec.hidden]
      return [...spec.hidden.map((width, i) => `Linear ${widths[i]} → ${width}, ReLU`), `Linear ${widths.at(-1)} → ${outputs}`].join(', ')
    }
    case 'cnn':
      return `CNN: ${spec.channels.length} × (Conv 3×3 stride 2, BatchNorm, ReLU) ${spec.channels.join('-')}, average pool, Linear ${spec.channels.at(-1)} → ${outputs}`
    case 'resnet18':
      return `ResNet-18, Linear 512 → ${outputs}`
    case 'pixel':
      return 'pixel similarity'
  }
}
