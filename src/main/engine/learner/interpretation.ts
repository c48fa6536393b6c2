import { noGrad } from '../autograd'
import type { DataLoader } from '../data/dataloader'
import { sigmoidValue } from '../ops/elementwise'
import type { Learner } from './learner'
import type { ConfusedPair, TopLoss } from '../../../shared/interpretation'

export type { ConfusedPair, TopLoss }

/** Class probabilities of one row of logits: softmax, or for one logit σ for the first class and 1 − σ for the second. */
function probabilitiesOf(logits: Float32Array, row: number, width: number, into: Float64Array): void {
  if (width === 1) {
    const p = sigmoidValue(logits[row])
    into[0] = p
    into[1] = 1 - p
    return
  }
  let peak = -Infinity
  for (let c = 0; c < width; c++) peak = Math.max(peak, logits[row * width + c])
  let total = 0
  for (let c = 0; c < width; c++) total += into[c] = Math.exp(logits[row * width + c] - peak)
  for (let c = 0; c < width; c++) into[c] /= total
}

/**
 * Where a trained model is wrong, as fastai's ClassificationInterpretation: every item of the
 * validation set with its actual and predicted class, its own loss and the predicted class's
 * probability, from which the confusion matrix, top losses and most-confused pairs follow.
 */
export class Interpretation {
  private constructor(
    readonly labelNames: readonly string[],
    readonly actual: Int32Array,
    readonly predicted: Int32Array,
    readonly losses: Float32Array,
    readonly probabilities: Float32Array,
  ) {}

  /**
   * Run the learner's model over a loader (the validation one by default, which must not be
   * shuffled so positions name items) in eval mode. One-logit models read a target of 1 as the
   * first class, as the chapter's "is it a 3". Each item's loss is the learner's loss on it alone.
   */
  static fromLearner(learner: Learner, options: { readonly labelNames?: readonly string[]; readonly loader?: DataLoader } = {}): Interpretation {
    const loader = options.loader ?? learner.dls.valid
    if (loader.shuffle) throw new Error('interpretation needs an unshuffled loader, so that positions name items')
    const n = loader.dataset.length
    const [actual, predicted] = [new Int32Array(n), new Int32Array(n)]
    const [losses, probabilities] = [new Float32Array(n), new Float32Array(n)]
    let classCount = 0
    learner.model.eval()
    noGrad(() => {
      let item = 0
      for (const { x, y } of loader) {
        const logits = learner.model.forward(x)
        const width = logits.shape[1]
        classCount = Math.max(width, 2)
        const probs = new Float64Array(classCount)
        for (let row = 0; row < x.shape[0]; row++, item++) {
          probabilitiesOf(logits.data, row, width, probs)
          let best = 0
          for (let c = 1; c < classCount; c++) if (probs[c] > probs[best]) best = c
          actual[item] = width === 1 ? (y.data[row] === 1 ? 0 : 1) : y.data[row]
          predicted[item] = best
          probabilities[item] = probs[best]
          losses[item] = learner.lossFunc(logits.slice(row, row + 1), y.slice(row, row + 1)).item()
        }
      }
    })
    const names = options.labelNames ?? Array.from({ length: classCount }, (_, c) => String(c))
    if (names.length !== classCount) throw new Error(`interpretation: ${names.length} label names for a model with ${classCount} classes`)
    return new Interpretation(names, actual, predicted, losses, probabilities)
  }

  /** counts[actual][predicted]: the diagonal holds the items classified right. */
  confusionMatrix(): number[][] {
    const k = this.labelNames.length
    const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0))
    this.actual.forEach((a, i) => counts[a][this.predicted[i]]++)
    return counts
  }

  /** The `k` items with the highest loss, highest first (ties keep dataset order). */
  topLosses(k = 9): TopLoss[] {
    const order = Array.from(this.losses.keys()).sort((i, j) => this.losses[j] - this.losses[i] || i - j)
    return order.slice(0, k).map((index) => ({
      index,
      actual: this.labelNames[this.actual[index]],
      predicted: this.labelNames[this.predicted[index]],
      loss: this.losses[index],
      probability: this.probabilities[index],
    }))
  }

  /** Off-diagonal cells of the confusion matrix with at least `minCount` items, most frequent first. */
  mostConfused(minCount = 1): ConfusedPair[] {
    const pairs: ConfusedPair[] = []
    this.confusionMatrix().forEach((row, a) => row.forEach((count, p) => {
      if (a !== p && count >= minCount) pairs.push({ actual: this.labelNames[a], predicted: this.labelNames[p], count })
    }))
    return pairs.sort((x, y) => y.count - x.count)
  }
}
