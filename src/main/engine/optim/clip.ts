import type { Tensor } from '../tensor'

/**
 * Scale every gradient by one factor so that their global L2 norm is at most `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_`; returns the norm before clipping. Directions are kept.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new Error(`gradient clipping needs a maximum norm > 0, got ${maxNorm}`)
  let squares = 0
  for (const param of params) {
    const grad = param.grad?.data
    if (!grad) continue
    for (let i = 0; i < grad.length; i++) squares += grad[i] * grad[i]
  }
  const norm = Math.sqrt(squares)
  // NOTE: PyTorch's 1e-6 keeps the factor finite for a zero gradient and just below 1 at the limit.
  const factor = maxNorm / (norm + 1e-6)
  if (factor >= 1) return norm
  for (const param of params) {
    const grad = param.grad?.data
    if (!grad) continue
    for (let i = 0; i < grad.length; i++) grad[i] *= factor
  }
  return norm
}
