import { record } from '../autograd'
import { broadcastPlan, broadcastShapes, broadcastStrides, forEachIndex, sameShape, sizeOf } from '../shape'
import { Tensor, type Operand } from '../tensor'

type Binary = (x: number, y: number) => number

function asTensor(value: Operand): Tensor {
  return typeof value === 'number' ? new Tensor(new Float32Array([value]), []) : value
}

/** Apply `f` to every element. */
export function mapValues(x: Tensor, f: (v: number) => number): Tensor {
  const src = x.data
  const out = new Float32Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = f(src[i])
  return new Tensor(out, x.shape)
}

/** Apply `f` pairwise under NumPy broadcasting, walking merged axes with one tight inner loop. */
export function zipValues(a: Tensor, b: Tensor, f: Binary): Tensor {
  const ad = a.data
  const bd = b.data
  if (sameShape(a.shape, b.shape)) {
    const out = new Float32Array(ad.length)
    for (let i = 0; i < out.length; i++) out[i] = f(ad[i], bd[i])
    return new Tensor(out, a.shape)
  }
  const { outShape, dims, aStrides, bStrides } = broadcastPlan(a.shape, b.shape)
  const out = new Float32Array(sizeOf(outShape))
  const rank = dims.length
  if (rank === 0) {
    out[0] = f(ad[0], bd[0])
    return new Tensor(out, outShape)
  }
  const inner = dims[rank - 1]
  const sa = aStrides[rank - 1]
  const sb = bStrides[rank - 1]
  const outer = dims.slice(0, -1)
  const index = new Array<number>(rank - 1).fill(0)
  let ia = 0
  let ib = 0
  for (let o = 0; o < out.length; o += inner) {
    for (let j = 0, pa = ia, pb = ib; j < inner; j++, pa += sa, pb += sb) out[o + j] = f(ad[pa], bd[pb])
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]++
      ia += aStrides[axis]
      ib += bStrides[axis]
      if (index[axis] < outer[axis]) break
      ia -= aStrides[axis] * outer[axis]
      ib -= bStrides[axis] * outer[axis]
      index[axis] = 0
    }
  }
  return new Tensor(out, outShape)
}

/** The values of `x` laid out in `shape`, which `x` broadcasts to. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Float32Array {
  if (sameShape(x.shape, shape)) return x.data
  const out = new Float32Array(sizeOf(shape))
  const src = x.data
  forEachIndex(shape, broadcastStrides(x.shape, shape), (flat, offset) => {
    out[flat] = src[offset]
  })
  return out
}

type Arithmetic = '+' | '-' | '*' | '/'

/**
 * a ∘ b for the four arithmetic ops, as plain loops where b has a's shape or is one value that keeps a's shape
 * (the residual add, a gradient's accumulation, a scale): a closure called per element from many ops costs ~5×
 * the arithmetic. zipValues otherwise. Both compute in float64 and store float32, so the bits are the same.
 */
function arithmetic(a: Tensor, b: Tensor, op: Arithmetic, f: Binary): Tensor {
  const same = sameShape(a.shape, b.shape)
  if (!same && !(b.size === 1 && b.rank <= a.rank)) return zipValues(a, b, f)
  const [x, y] = [a.data, b.data]
  const out = new Float32Array(x.length)
  const n = out.length
  if (same) {
    if (op === '+') for (let i = 0; i < n; i++) out[i] = x[i] + y[i]
    else if (op === '-') for (let i = 0; i < n; i++) out[i] = x[i] - y[i]
    else if (op === '*') for (let i = 0; i < n; i++) out[i] = x[i] * y[i]
    else for (let i = 0; i < n; i++) out[i] = x[i] / y[i]
  } else {
    const v = y[0]
    if (op === '+') for (let i = 0; i < n; i++) out[i] = x[i] + v
    else if (op === '-') for (let i = 0; i < n; i++) out[i] = x[i] - v
    else if (op === '*') for (let i = 0; i < n; i++) out[i] = x[i] * v
    else for (let i = 0; i < n; i++) out[i] = x[i] / v
  }
  return new Tensor(out, a.shape)
}

// d(a + b) = da + db
export function add(a: Tensor, b: Operand): Tensor {
  const other = asTensor(b)
  return record(arithmetic(a, other, '+', (x, y) => x + y), 'Add', [a, other], (g) => [g, g])
}

// d(a − b) = da − db
export function sub(a: Tensor, b: Operand): Tensor {
  const other = asTensor(b)
  return record(arithmetic(a, other, '-', (x, y) => x - y), 'Sub', [a, other], (g) => [g, g.neg()])
}

// d(a · b) = b·da + a·db
export function mul(a: Tensor, b: Operand): Tensor {
  const other = asTensor(b)
  return record(arithmetic(a, other, '*', (x, y) => x * y), 'Mul', [a, other], (g) => [g.mul(other), g.mul(a)])
}

// d(a / b) = da / b − a·db / b²
export function div(a: Tensor, b: Operand): Tensor {
  const other = asTensor(b)
  return record(arithmetic(a, other, '/', (x, y) => x / y), 'Div', [a, other], (g) => [
    g.div(other),
    g.mul(a).div(other.mul(other)).neg(),
  ])
}

// d(−a) = −da
export function neg(a: Tensor): Tensor {
  return record(mapValues(a, (x) => -x), 'Neg', [a], (g) => [g.neg()])
}

// d(aᵖ) = p·aᵖ⁻¹·da, and d(a⁰) = 0 even at a = 0 (where 0·a⁻¹ would be NaN), as PyTorch
export function pow(a: Tensor, exponent: number): Tensor {
  const out = mapValues(a, exponent === 2 ? (x) => x * x : (x) => Math.pow(x, exponent))
  return record(out, 'Pow', [a], (g) => [
    exponent === 0 ? new Tensor(new Float32Array(a.size), a.shape) : g.mul(a.pow(exponent - 1).mul(exponent)),
  ])
}

// d(eᵃ) = eᵃ·da
export function exp(a: Tensor): Tensor {
  const out = mapValues(a, Math.exp)
  return record(out, 'Exp', [a], (g) => [g.mul(out.detach())])
}

// d(ln a) = da / a
export function log(a: Tensor): Tensor {
  return record(mapValues(a, Math.log), 'Log', [a], (g) => [g.div(a)])
}

// d|a| = sign(a)·da  (0 at 0, as PyTorch)
export function abs(a: Tensor): Tensor {
  return record(mapValues(a, Math.abs), 'Abs', [a], (g) => [g.mul(mapValues(a, Math.sign))])
}

// d√a = da / (2√a)
export function sqrt(a: Tensor): Tensor {
  const out = mapValues(a, Math.sqrt)
  return record(out, 'Sqrt', [a], (g) => [g.div(out.detach().mul(2))])
}

/** 1 / (1 + e⁻ˣ), computed without overflow for large |x|. */
export function sigmoidValue(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x))
  const e = Math.exp(x)
  return e / (1 + e)
}

// dσ(a) = σ(a)·(1 − σ(a))·da
export function sigmoid(a: Tensor): Tensor {
  const out = mapValues(a, sigmoidValue)
  return record(out, 'Sigmoid', [a], (g) => [g.mul(mapValues(out, (s) => s * (1 - s)))])
}

// d relu(a) = [a > 0]·da  (0 at 0, as PyTorch)
export function relu(a: Tensor): Tensor {
  // NOTE: ReLU follows every conv, so it works on the float bits as int32, without branches: activations
  // are positive or negative at random, and a mispredicted branch per element made the op 4× slower.
  const bits = asInt32(a.data)
  const out = new Float32Array(bits.length)
  const outBits = asInt32(out)
  // a sign bit set (negative, −0) gives v >> 31 = −1, so v & ~(v >> 31) is v or 0
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] & ~(bits[i] >> 31)
  return record(new Tensor(out, a.shape), 'Relu', [a], (g) => [new Tensor(wherePositive(g.data, bits), a.shape)])
}

/** g where the float whose bits are `bits` is > 0, else 0: ReLU's backward pass. */
function wherePositive(g: Float32Array, bits: Int32Array): Float32Array {
  const gBits = asInt32(g)
  const dx = new Float32Array(bits.length)
  const dxBits = asInt32(dx)
  // all ones exactly where the int32 v > 0, i.e. the float is > 0: (v − 1) | v has its sign bit clear only then
  for (let i = 0; i < bits.length; i++) dxBits[i] = gBits[i] & ~(((bits[i] - 1) | bits[i]) >> 31)
  return dx
}

// d relu(a + b) = [a + b > 0]·(da + db)
/**
 * relu(a + b) in one pass, with the bits of `a.add(b).relu()` (a residual block's end); one tensor fewer. The
 * output is > 0 exactly where a + b is, so its bits decide the gradient.
 */
export function addRelu(a: Tensor, b: Tensor): Tensor {
  if (!sameShape(a.shape, b.shape)) return relu(add(a, b))
  const [x, y] = [a.data, b.data]
  const out = new Float32Array(x.length)
  const bits = asInt32(out)
  for (let i = 0; i < out.length; i++) {
    out[i] = x[i] + y[i]
    bits[i] &= ~(bits[i] >> 31)
  }
  return record(new Tensor(out, a.shape), 'Relu', [a, b], (g) => {
    const dx = new Tensor(wherePositive(g.data, bits), a.shape)
    return [dx, dx]
  })
}

/** The same bytes read as int32, for branch-free sign tests. */
function asInt32(values: Float32Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length)
}

// d max(a, b) = [a > b]·da + [a < b]·db, ties split half and half (as PyTorch)
export function maximum(a: Tensor, b: Operand): Tensor {
  const other = asTensor(b)
  const out = zipValues(a, other, (x, y) => (x >= y ? x : y))
  const share = (x: number, y: number): number => (x > y ? 1 : x === y ? 0.5 : 0)
  return record(out, 'Max', [a, other], (g) => [g.mul(zipValues(a, other, share)), g.mul(zipValues(other, a, share))])
}

// d where(c, a, b) = c·da + (1 − c)·db  (no gradient to the condition)
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  const [ta, tb] = [asTensor(a), asTensor(b)]
  const shape = broadcastShapes(broadcastShapes(condition.shape, ta.shape), tb.shape)
  const [c, x, y] = [broadcastTo(condition, shape), broadcastTo(ta, shape), broadcastTo(tb, shape)]
  const out = new Float32Array(c.length)
  for (let i = 0; i < out.length; i++) out[i] = c[i] !== 0 ? x[i] : y[i]
  const chosen = new Tensor(c, shape)
  return record(new Tensor(out, shape), 'Where', [condition, ta, tb], (g) => [
    null,
    g.mul(mapValues(chosen, (v) => (v !== 0 ? 1 : 0))),
    g.mul(mapValues(chosen, (v) => (v !== 0 ? 0 : 1))),
  ])
}

/** Comparisons give 1 where true and 0 where false; they carry no gradient. */
export const gt = (a: Tensor, b: Operand): Tensor => zipValues(a, asTensor(b), (x, y) => (x > y ? 1 : 0))
export const lt = (a: Tensor, b: Operand): Tensor => zipValues(a, asTensor(b), (x, y) => (x < y ? 1 : 0))
export const ge = (a: Tensor, b: Operand): Tensor => zipValues(a, asTensor(b), (x, y) => (x >= y ? 1 : 0))
export const le = (a: Tensor, b: Operand): Tensor => zipValues(a, asTensor(b), (x, y) => (x <= y ? 1 : 0))
export const eq = (a: Tensor, b: Operand): Tensor => zipValues(a, asTensor(b), (x, y) => (x === y ? 1 : 0))
