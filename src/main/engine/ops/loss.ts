import { record } from '../autograd'
import { formatShape, sameShape } from '../shape'
import { Tensor } from '../tensor'
import { sigmoidValue, where } from './elementwise'

// L = mean(ℓ) with ℓᵢ = 1 − σ(pᵢ) where tᵢ = 1, else σ(pᵢ)  →  dL/dpᵢ = ∓σ(pᵢ)·(1 − σ(pᵢ))/n, − where tᵢ = 1
/**
 * The chapter's loss for one-logit binary models: how far each sigmoid prediction is from its
 * target, `where(t == 1, 1 − σ(p), σ(p)).mean()`. Targets are 1 for the first class, 0 otherwise.
 * Predictions and targets of one shape take one fused pass that rounds every value and gradient as
 * that chain of ops does, bit for bit; other shapes broadcast through the chain itself.
 */
export function mnistLoss(predictions: Tensor, targets: Tensor): Tensor {
  if (!sameShape(predictions.shape, targets.shape)) {
    const p = predictions.sigmoid()
    return where(targets.eq(1), p.neg().add(1), p).mean()
  }
  const n = predictions.size
  const [p, t] = [predictions.data, targets.data]
  const s = new Float32Array(n)
  let total = 0
  for (let i = 0; i < n; i++) {
    s[i] = sigmoidValue(p[i])
    total += t[i] === 1 ? Math.fround(1 - s[i]) : s[i]
  }
  const out = new Tensor(new Float32Array([total / n]), [])
  return record(out, 'MnistLoss', [predictions, targets], (g) => {
    // as the chain's backward: the mean's g/n, which `where` routes to σ directly or through 1 − σ (negated), then σ′
    const share = Math.fround(g.data[0] / n)
    const grad = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      // NOTE: `share * 0` (not 0) keeps the zero's sign and a NaN as the unfused chain's `where` would: same bits.
      const [direct, negated] = t[i] === 1 ? [share * 0, share] : [share, share * 0]
      grad[i] = Math.fround(direct - negated) * Math.fround(s[i] * (1 - s[i]))
    }
    return [new Tensor(grad, predictions.shape), null]
  })
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
