import { sigmoidValue } from '../ops/elementwise'
import { formatShape } from '../shape'
import type { Tensor } from '../tensor'

/** A number computed from a batch's predictions and targets, averaged over the validation set. */
export interface Metric {
  readonly name: string
  compute(predictions: Tensor, targets: Tensor): number
}

/** The chapter's `batch_accuracy`: one-logit predictions, `(sigmoid(p) > 0.5) == t`, averaged. */
export const batchAccuracy: Metric = {
  name: 'batch_accuracy',
  compute(predictions, targets) {
    if (predictions.size !== targets.size) {
      throw new Error(`batch_accuracy: predictions ${formatShape(predictions.shape)} and targets ${formatShape(targets.shape)} differ in size`)
    }
    let correct = 0
    for (let i = 0; i < predictions.size; i++) {
      if ((sigmoidValue(predictions.data[i]) > 0.5 ? 1 : 0) === targets.data[i]) correct++
    }
    return correct / predictions.size
  },
}

/** Multi-class accuracy: the arg-max class equals the target class index. */
export const accuracy: Metric = {
  name: 'accuracy',
  compute(predictions, targets) {
    const predicted = predictions.argmax(-1)
    if (predicted.size !== targets.size) {
      throw new Error(`accuracy: predictions ${formatShape(predictions.shape)} do not match targets ${formatShape(targets.shape)}`)
    }
    let correct = 0
    for (let i = 0; i < predicted.size; i++) if (predicted.data[i] === targets.data[i]) correct++
    return correct / predicted.size
  },
}
