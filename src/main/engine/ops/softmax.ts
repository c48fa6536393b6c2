import { record } from '../autograd'
import { Tensor } from '../tensor'
import { axisLayout } from './reduce'

/** log(softmax(x)) along `axis`, shifted by the maximum so ±1000 stays finite. */
function logSoftmaxValues(x: Tensor, axis: number): Float32Array {
  const { outer, n, inner } = axisLayout(x.shape, axis)
  const src = x.data
  const out = new Float32Array(src.length)
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i
      let peak = -Infinity
      for (let k = 0; k < n; k++) peak = Math.max(peak, src[base + k * inner])
      let total = 0
      for (let k = 0; k < n; k++) total += Math.exp(src[base + k * inner] - peak)
      const logTotal = peak + Math.log(total)
      for (let k = 0; k < n; k++) out[base + k * inner] = src[base + k * inner] - logTotal
    }
  }
  return out
}

// d logsoftmax(a) = da − softmax(a)·Σda  (sums along the axis)
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const out = new Tensor(logSoftmaxValues(x, axis), x.shape)
  return record(out, 'LogSoftmax', [x], (g) => [g.sub(out.detach().exp().mul(g.sum(axis, true)))])
}

// d softmax(a) = s·(da − Σ(s·da))  (sums along the axis)
export function softmax(x: Tensor, axis = -1): Tensor {
  const logs = logSoftmaxValues(x, axis)
  const values = new Float32Array(logs.length)
  for (let i = 0; i < logs.length; i++) values[i] = Math.exp(logs[i])
  const out = new Tensor(values, x.shape)
  return record(out, 'Softmax', [x], (g) => {
    const s = out.detach()
    return [s.mul(g.sub(s.mul(g).sum(axis, true)))]
  })
}
