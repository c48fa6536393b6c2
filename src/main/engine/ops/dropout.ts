import { record } from '../autograd'
import type { Random } from '../random'
import { Tensor } from '../tensor'

// y = x·mask with mask = [u ≥ p]/(1 − p), u ~ U[0, 1)  →  dx = dy·mask
/**
 * Inverted dropout (ONNX `Dropout`), as `F.dropout`: in training each value is zeroed with
 * probability `p` and the survivors scaled by 1/(1 − p), with the mask drawn from `random`;
 * outside training (or at p = 0) it is the identity.
 */
export function dropout(x: Tensor, p: number, random: Random, training: boolean): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability must be in [0, 1], got ${p}`)
  if (!training || p === 0) return x
  const keep = p === 1 ? 0 : 1 / (1 - p)
  const mask = new Float32Array(x.size)
  for (let i = 0; i < mask.length; i++) mask[i] = random.uniform() >= p ? keep : 0
  const src = x.data
  const out = new Float32Array(x.size)
  for (let i = 0; i < out.length; i++) out[i] = src[i] * mask[i]
  return record(new Tensor(out, x.shape), 'Dropout', [x], (grad) => {
    const dx = new Float32Array(x.size)
    for (let i = 0; i < dx.length; i++) dx[i] = grad.data[i] * mask[i]
    return [new Tensor(dx, x.shape)]
  })
}
