import { record } from '../autograd'
import { formatShape } from '../shape'
import { Tensor } from '../tensor'
import { where } from './elementwise'

/**
 * The chapter's loss for one-logit binary models: how far each sigmoid prediction is from its
 * target, `where(t == 1, 1 − σ(p), σ(p)).mean()`. Targets are 1 for the first class, 0 otherwise.
 */
export function mnistLoss(predictions: Tensor, targets: Tensor): Tensor {
  const p = predictions.sigmoid()
  return where(targets.eq(1), p.neg().add(1), p).mean()
}

function checkClassTargets(logits: Tensor, targets: Tensor): void {
  if (logits.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new Error(`cross-entropy takes logits (n, classes) and targets (n,), got ${formatShape(logits.shape)} and ${formatShape(targets.shape)}`)
  }
  const classes = logits.shape[1]
  const bad = targets.data.find((t) => !Number.isInteger(t) || t < 0 || t >= classes)
  if (bad !== undefined) throw new Error(`cross-entropy target ${bad} is not a class index in 0..${classes - 1}`)
}

// d nll = −1/n at each row's target log-probability, 0 elsewhere
/** Mean negative log-likelihood of each row's target class, given log-probabilities (n, classes). */
export function nllLoss(logProbs: Tensor, targets: Tensor): Tensor {
  checkClassTargets(logProbs, targets)
  const [rows, classes] = logProbs.shape
  let total = 0
  for (let i = 0; i < rows; i++) total -= logProbs.data[i * classes + targets.data[i]]
  const out = new Tensor(new Float32Array([total / rows]), [])
  return record(out, 'NegativeLogLikelihoodLoss', [logProbs, targets], (g) => {
    const grad = new Float32Array(logProbs.size)
    for (let i = 0; i < rows; i++) grad[i * classes + targets.data[i]] = -g.data[0] / rows
    return [new Tensor(grad, logProbs.shape), null]
  })
}

/** Softmax cross-entropy over any number of classes; targets are class indices. */
export function crossEntropy(logits: Tensor, targets: Tensor): Tensor {
  checkClassTargets(logits, targets)
  return nllLoss(logits.logSoftmax(-1), targets)
}

/** Mean squared error. */
export function mse(predictions: Tensor, targets: Tensor): Tensor {
  return predictions.sub(targets).pow(2).mean()
}

/** Mean absolute error (the chapter's L1 norm). */
export function l1(predictions: Tensor, targets: Tensor): Tensor {
  return predictions.sub(targets).abs().mean()
}
