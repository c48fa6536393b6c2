import fc from 'fast-check'
import { afterAll, describe, it } from 'vitest'
import {
  Random, Tensor, cat, crossEntropy, fromArray, l1, linear, mnistLoss, mse, nllLoss, rand, randn, stack, where,
} from '../../src/main/engine'
import { ErrorTally } from '../helpers/allclose'
import { gradcheck } from '../helpers/gradcheck'

const random = new Random(2024)
// ENGINE_ERROR_REPORT=1 npx vitest run test/engine prints the worst errors measured per op.
const tally = new ErrorTally()

/** Standard-normal leaf that requires grad. */
const normal = (...shape: number[]): Tensor => randn(shape, random).requiresGrad_()
/** Leaf in [0.5, 2.5): safe for log, sqrt, pow(0.5) and as a divisor. */
const positive = (...shape: number[]): Tensor => rand(shape, random, 0.5, 2.5).requiresGrad_()
/** Leaf at least 0.1 away from 0, so abs and relu are differentiable at every element. */
const awayFromZero = (...shape: number[]): Tensor => {
  const x = randn(shape, random)
  for (let i = 0; i < x.size; i++) x.data[i] += x.data[i] >= 0 ? 0.1 : -0.1
  return x.requiresGrad_()
}
/** Leaf whose values are distinct and at least 0.05 apart, so max picks a clear winner. */
const distinct = (...shape: number[]): Tensor => {
  const x = randn(shape, random)
  const order = random.permutation(x.size)
  for (let i = 0; i < x.size; i++) x.data[i] = 0.05 * order[i] - 0.025 * x.size
  return x.requiresGrad_()
}

function check(group: string, name: string, fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  for (const result of gradcheck(fn, inputs)) tally.add(group, name, result)
}

afterAll(() => {
  if (process.env.ENGINE_ERROR_REPORT) console.log(tally.report('worst error vs central differences (eps 1e-3):'))
})

/** Shape pairs that broadcast: a column against a row, a matrix against a vector, a scalar against a matrix. */
const BROADCAST_PAIRS: [number[], number[]][] = [[[4, 1], [1, 3]], [[2, 3], [3]], [[], [2, 3]], [[2, 3], []], [[3, 1, 4], [2, 1]], [[2, 3], [2, 3]]]
const fmt = (shape: number[]): string => `(${shape.join(',')})`

describe('binary ops match central differences under broadcasting', () => {
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, (...s: number[]) => Tensor][] = [
    ['add', (a, b) => a.add(b), normal],
    ['sub', (a, b) => a.sub(b), normal],
    ['mul', (a, b) => a.mul(b), normal],
    ['div', (a, b) => a.div(b), positive],
    ['maximum', (a, b) => a.maximum(b), distinct],
  ]
  for (const [op, fn, right] of ops) {
    it.each(BROADCAST_PAIRS.map(([a, b]) => [`${fmt(a)} with ${fmt(b)}`, a, b] as const))(`${op} %s`, (name, a, b) => {
      const left = op === 'maximum' ? distinct(...a) : normal(...a)
      check(op, name, fn, [left, right(...b)])
    })
    it(`${op} with a number`, () => check(op, 'number', (a) => fn(a, fromArray(0.75, [])), [normal(2, 3)]))
  }
  it('maximum with the number 0 away from ties', () => check('maximum', 'number 0', (a) => a.maximum(0), [awayFromZero(3, 4)]))
})

describe('unary ops match central differences', () => {
  const cases: [string, (a: Tensor) => Tensor, Tensor][] = [
    ['neg', (a) => a.neg(), normal(2, 3)],
    ['pow 2', (a) => a.pow(2), normal(2, 3)],
    ['pow 3', (a) => a.pow(3), normal(2, 3)],
    ['pow 0.5', (a) => a.pow(0.5), positive(2, 3)],
    ['pow -1', (a) => a.pow(-1), positive(2, 3)],
    ['exp', (a) => a.exp(), normal(2, 3)],
    ['log', (a) => a.log(), positive(2, 3)],
    ['abs', (a) => a.abs(), awayFromZero(2, 3)],
    ['sqrt', (a) => a.sqrt(), positive(2, 3)],
    ['sigmoid', (a) => a.sigmoid(), normal(3, 4).mul(3).detach().requiresGrad_()],
    ['relu', (a) => a.relu(), awayFromZero(3, 4)],
  ]
  it.each(cases)('%s', (name, fn, x) => check(name.split(' ')[0], name, fn, [x]))
})

describe('where, matmul and linear match central differences', () => {
  const condition = fromArray([1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1], [3, 4])
  it('where with both branches broadcast', () => check('where', '(3,4) (3,1) (4,)', (a, b) => where(condition, a, b), [normal(3, 1), normal(4)]))
  it('where with a number', () => check('where', 'number', (a) => where(condition, a, 0.5), [normal(3, 4)]))
  it.each([
    ['2D·2D', [3, 4], [4, 5]],
    ['2D·1D', [3, 4], [4]],
    ['1D·2D', [4], [4, 5]],
    ['1D·1D', [4], [4]],
  ] as const)('matmul %s', (name, a, b) => check('matmul', name, (x, y) => x.matmul(y), [normal(...a), normal(...b)]))
  it('linear with bias', () => check('linear', 'bias', (x, w, b) => linear(x, w, b), [normal(5, 4), normal(3, 4), normal(3)]))
  it('linear without bias', () => check('linear', 'no bias', (x, w) => linear(x, w, null), [normal(5, 4), normal(3, 4)]))
})

/** A shape of rank 0..4 and a random selection of its axes, some written as negative numbers. */
const shapeAndAxes = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axes: fc.option(fc.subarray(shape.map((_, i) => i)).chain((axes) => fc.tuple(...axes.map((a) => fc.constantFrom(a, a - shape.length))))),
      keepDim: fc.boolean(),
      seed: fc.integer({ min: 0, max: 1e6 }),
    }),
  )

describe('reductions match central differences', () => {
  for (const op of ['sum', 'mean'] as const) {
    it(`${op} over random axes, with and without keepDim`, () => {
      fc.assert(
        fc.property(shapeAndAxes, ({ shape, axes, keepDim, seed }) => {
          const x = randn(shape, new Random(seed)).requiresGrad_()
          const name = `${fmt(shape)} axes ${axes === null ? 'all' : `[${axes.join(',')}]`} keepDim ${keepDim}`
          check(op, name, (t) => t[op](axes ?? undefined, keepDim), [x])
        }),
        { numRuns: 40 },
      )
    })
  }
  it.each([[0, false], [1, true], [-1, false]] as const)('max over axis %i (keepDim %s)', (axis, keepDim) =>
    check('max', `axis ${axis}`, (t) => t.max(axis, keepDim), [distinct(2, 3, 4)]))
})

describe('softmax family and losses match central differences', () => {
  const axes: [number[], number][] = [[[4, 5], -1], [[4, 5], 0], [[2, 3, 4], 1], [[5], 0]]
  for (const op of ['logSoftmax', 'softmax'] as const) {
    it.each(axes.map(([shape, axis]) => [`${fmt(shape)} axis ${axis}`, shape, axis] as const))(`${op} %s`, (name, shape, axis) =>
      check(op, name, (t) => t[op](axis), [normal(...shape).mul(2).detach().requiresGrad_()]))
  }
  const labels = fromArray([2, 0, 3, 3, 1], [5])
  it('crossEntropy', () => check('crossEntropy', '(5,4)', (x) => crossEntropy(x, labels), [normal(5, 4)]))
  it('nllLoss', () => check('nllLoss', '(5,4)', (x) => nllLoss(x, labels), [normal(5, 4)]))
  it('mnistLoss', () => check('mnistLoss', '(6,1)', (p) => mnistLoss(p, fromArray([[1], [0], [1], [1], [0], [0]])), [normal(6, 1)]))
  it('mse', () => check('mse', '(4,3)', mse, [normal(4, 3), normal(4, 3)]))
  it('l1', () => check('l1', '(4,3)', (p) => l1(p, fromArray(new Float32Array(12), [4, 3])), [awayFromZero(4, 3)]))
  it('a two-layer network with cross-entropy', () =>
    check('network', 'relu MLP', (x, w1, b1, w2, b2) => crossEntropy(linear(linear(x, w1, b1).relu(), w2, b2), labels), [
      normal(5, 6), normal(7, 6), normal(7), normal(4, 7), normal(4),
    ]))
})

describe('shape ops match central differences', () => {
  const cases: [string, (...xs: Tensor[]) => Tensor, Tensor[]][] = [
    ['reshape', (x) => x.reshape(4, -1), [normal(2, 3, 4)]],
    ['flatten', (x) => x.flatten(), [normal(2, 3, 4)]],
    ['transpose', (x) => x.transpose(0, 2), [normal(2, 3, 4)]],
    ['T', (x) => x.T, [normal(3, 4)]],
    ['permute', (x) => x.permute(2, 0, 1), [normal(2, 3, 4)]],
    ['unsqueeze', (x) => x.unsqueeze(-1), [normal(3, 4)]],
    ['squeeze', (x) => x.squeeze(1), [normal(3, 1, 4)]],
    ['expand', (x) => x.expand(2, 3, 4), [normal(3, 1)]],
    ['slice', (x) => x.slice(1, -1), [normal(5, 3)]],
    ['index', (x) => x.index(2), [normal(4, 3)]],
    ['take', (x) => x.take([3, 0, 3, 1]), [normal(5, 2)]],
    ['cat', (...xs) => cat(xs, 1), [normal(2, 1), normal(2, 3), normal(2, 2)]],
    ['stack', (...xs) => stack(xs, 1), [normal(2, 3), normal(2, 3)]],
  ]
  it.each(cases)('%s', (name, fn, inputs) => check(name, name, fn, inputs))
})
