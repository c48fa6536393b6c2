import { isGradEnabled, record } from '../autograd'
import { kernels, type NonzeroIndex } from '../kernels'
import { formatShape } from '../shape'
import { Tensor } from '../tensor'

function product(a: Tensor, b: Tensor, transA: boolean, transB: boolean, index: NonzeroIndex | null = null): Tensor {
  const m = transA ? a.shape[1] : a.shape[0]
  const k = transA ? a.shape[0] : a.shape[1]
  const n = transB ? b.shape[0] : b.shape[1]
  const c = new Float32Array(m * n)
  kernels.gemm({ a: a.data, b: b.data, c, m, n, k, transA, transB, accumulate: false, index })
  return new Tensor(c, [m, n])
}

// d(A·B) = dA·B + A·dB  →  gradA = G·Bᵀ, gradB = Aᵀ·G
function matmul2d(a: Tensor, b: Tensor): Tensor {
  if (a.shape[1] !== b.shape[0]) {
    throw new Error(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not line up (${a.shape[1]} ≠ ${b.shape[0]})`)
  }
  return record(product(a, b, false, false), 'MatMul', [a, b], (g) => [
    a.requiresGrad ? product(g, b, false, true) : null,
    b.requiresGrad ? product(a, g, true, false) : null,
  ])
}

/** Matrix product of 1-D and 2-D tensors, with NumPy's rules for vectors. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank < 1 || a.rank > 2 || b.rank < 1 || b.rank > 2) {
    throw new Error(`matmul takes 1-D or 2-D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`)
  }
  const left = a.rank === 1 ? a.reshape(1, -1) : a
  const right = b.rank === 1 ? b.reshape(-1, 1) : b
  const out = matmul2d(left, right)
  if (a.rank === 1 && b.rank === 1) return out.reshape()
  if (a.rank === 1) return out.reshape(-1)
  if (b.rank === 1) return out.reshape(-1)
  return out
}

// y = x·Wᵀ + b  →  gradX = G·W, gradW = Gᵀ·x, gradB = Σ_rows G
/** A fully connected layer's op (ONNX `Gemm` with transB): x is (n, in), weight (out, in), bias (out). */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (x.rank !== 2 || weight.rank !== 2 || x.shape[1] !== weight.shape[1]) {
    throw new Error(`linear: input ${formatShape(x.shape)} does not fit weight ${formatShape(weight.shape)} (expected (n, ${weight.shape[1] ?? '?'}))`)
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(`linear: bias ${formatShape(bias.shape)} does not fit weight ${formatShape(weight.shape)} (expected (${weight.shape[0]},))`)
  }
  // An input that needs no gradient (a batch of pixels) is multiplied twice, by the weights and, for their
  // gradient, by the output's: where its nonzeros are is found once, and freed after that second product.
  const needsWeightGradient = isGradEnabled() && weight.requiresGrad && !x.requiresGrad
  const index = needsWeightGradient ? kernels.indexNonzeros(x.data, x.shape[0], x.shape[1]) : null
  const out = product(x, weight, false, true, index)
  if (bias) {
    const [rows, cols] = out.shape
    const [values, b] = [out.data, bias.data]
    for (let i = 0, at = 0; i < rows; i++) for (let j = 0; j < cols; j++, at++) values[at] += b[j]
  }
  const inputs = bias ? [x, weight, bias] : [x, weight]
  return record(out, 'Gemm', inputs, (g) => {
    const gradients = [
      x.requiresGrad ? product(g, weight, false, false) : null,
      weight.requiresGrad ? product(g, x, true, false, index) : null,
      bias?.requiresGrad ? columnSums(g) : null,
    ]
    index?.release()
    return gradients
  })
}

/** The sums of a matrix's columns, each in float64 in row order: `g.sum(0)`'s bits, without its general walk. */
function columnSums(g: Tensor): Tensor {
  const [rows, cols] = g.shape
  const sums = new Float64Array(cols)
  const values = g.data
  for (let i = 0, at = 0; i < rows; i++) for (let j = 0; j < cols; j++, at++) sums[j] += values[at]
  return new Tensor(new Float32Array(sums), [cols])
}
