import { noGrad } from '../../engine/autograd'
import type { DigitDataset } from '../../engine/data/dataset'
import { ImageDataset } from '../../engine/data/dataset'
import { accuracy, batchAccuracy } from '../../engine/learner/metrics'
import { crossEntropy, mnistLoss } from '../../engine/ops/loss'
import type { Tensor } from '../../engine/tensor'
import type { LabModel } from './lab-models'

/** Validation images per forward pass. */
const CHUNK = 1024

/** The loss a Lab model trains with: the chapter's mnist_loss for one output, cross-entropy otherwise. */
export const lossOf = (model: LabModel) => (model.binary ? mnistLoss : crossEntropy)

/** Batches of a split as a training run serves them (inputs in 0..1, targets for the model's loss). */
export const splitDataset = (dataset: DigitDataset, split: 'train' | 'valid', model: LabModel): ImageDataset =>
  new ImageDataset(dataset[split], dataset.height, dataset.width, model.binary ? 'binary' : 'class')

/** The model's outputs for every validation image, (n, outputs), and the targets, a chunk at a time. */
export function validationOutputs(dataset: DigitDataset, model: LabModel): { outputs: Tensor[]; targets: Tensor[] } {
  const valid = splitDataset(dataset, 'valid', model)
  const outputs: Tensor[] = []
  const targets: Tensor[] = []
  noGrad(() => {
    for (let start = 0; start < valid.length; start += CHUNK) {
      const { x, y } = valid.batch(Int32Array.from({ length: Math.min(CHUNK, valid.length - start) }, (_, i) => start + i))
      outputs.push(model.module.forward(x))
      targets.push(y)
    }
  })
  return { outputs, targets }
}

/** Validation accuracy and loss, as the Learner's validate computes them (each chunk weighted by its size). */
export function validate(dataset: DigitDataset, model: LabModel): { accuracy: number; loss: number } {
  const { outputs, targets } = validationOutputs(dataset, model)
  const metric = model.binary ? batchAccuracy : accuracy
  const loss = lossOf(model)
  let [right, total, n] = [0, 0, 0]
  outputs.forEach((out, i) => {
    const size = out.shape[0]
    right += metric.compute(out, targets[i]) * size
    total += noGrad(() => loss(out, targets[i]).item()) * size
    n += size
  })
  return { accuracy: right / n, loss: total / n }
}
