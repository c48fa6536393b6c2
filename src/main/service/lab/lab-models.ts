import type { DigitDataset } from '../../engine/data/dataset'
import { validateConfig } from '../../engine/learner/recipe'
import { createModel } from '../../engine/models/zoo'
import type { Module } from '../../engine/nn/module'
import { Random } from '../../engine/random'
import { defaultTrainingConfig, type TrainingConfig } from '../../../shared/training'
import type { LabModelKind, LabModelStatus } from '../../../shared/lab'
import type { ModelStepper } from './stepper'

/** The seed every Lab model starts from (the Train view's default too). */
export const LAB_SEED = 42

/** One of the Lab's models: the module, the config it follows, and what happened to it. */
export interface LabModel {
  readonly kind: LabModelKind
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

  constructor(private readonly dataset: DigitDataset) {}

  /** The model of a kind, made from the seed on first use. */
  get(kind: LabModelKind): LabModel {
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

  /** A kind's weights as the seed makes them (what stepping and training start from). */
  initial(kind: LabModelKind): Module {
    return this.#create(kind).module
  }

  status(kind: LabModelKind): LabModelStatus {
    const model = this.get(kind)
    const classes = this.dataset.labelNames.length
    const outputs = model.binary ? 1 : classes
    const pixels = this.dataset.height * this.dataset.width
    const layers = kind === 'linear' ? `Linear ${pixels} → ${outputs}` : `Linear ${pixels} → 30, ReLU, Linear 30 → ${outputs}`
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
