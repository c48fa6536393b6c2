import { noGrad } from '../autograd'
import { sigmoidValue } from '../ops/elementwise'
import type { DataLoader } from '../data/dataloader'
import type { Module } from '../nn/module'

/**
 * The class a model predicts for every item of a loader, in loader order. A one-logit model
 * predicts the first class when σ(logit) > 0.5 (the chapter's "is it a 3"), else the second.
 */
export function predictClasses(model: Module, loader: DataLoader): Int32Array {
  model.eval()
  const predicted = new Int32Array(loader.dataset.length)
  let row = 0
  noGrad(() => {
    for (const { x } of loader) {
      const logits = model.forward(x)
      const classes = logits.shape[1]
      const n = logits.shape[0]
      for (let i = 0; i < n; i++, row++) {
        if (classes === 1) {
          predicted[row] = sigmoidValue(logits.data[i]) > 0.5 ? 0 : 1
          continue
        }
        let best = 0
        for (let c = 1; c < classes; c++) if (logits.data[i * classes + c] > logits.data[i * classes + best]) best = c
        predicted[row] = best
      }
    }
  })
  return predicted
}

/** Accuracy within each true class (NaN for a class with no items). */
export function perClassAccuracy(predicted: Int32Array, labels: Int32Array, classCount: number): number[] {
  const correct = new Array<number>(classCount).fill(0)
  const total = new Array<number>(classCount).fill(0)
  labels.forEach((label, i) => {
    total[label]++
    if (predicted[i] === label) correct[label]++
  })
  return total.map((n, c) => (n === 0 ? Number.NaN : correct[c] / n))
}
