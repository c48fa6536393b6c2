import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import {
  Tensor, cat, crossEntropy, fromArray, l1, linear, mnistLoss, mse, stack, where, type OpType,
} from '../../src/main/engine'
import { ErrorTally, FLOAT32, expectAllClose, expectShape } from '../helpers/allclose'

/** The op parameters the fixture script writes (see test/fixtures/make_torch_fixtures.py). */
interface Params {
  scalar?: number
  exponent?: number
  axes?: number[] | null
  axis?: number
  keepDim?: boolean
  shape?: number[]
  start?: number
  end?: number
  index?: number
  indices?: number[]
}

interface TensorFixture {
  shape: number[]
  values: number[]
  requiresGrad: boolean
}

interface OpCase {
  name: string
  op: OpName
  params: Params
  inputs: TensorFixture[]
  output: { shape: number[]; values: number[] }
  upstream?: number[]
  grads?: (number[] | null)[]
}

interface Pattern {
  mult: number
  mod: number
  scale: number
  offset: number
}

interface Summary {
  sum: number
  samples: [number, number][]
}

interface SummaryCase {
  name: string
  shapes: [number[], number[]]
  patterns: { a: Pattern; b: Pattern; upstream: Pattern }
  output: { shape: number[] } & Summary
  grads: [Summary, Summary]
}

interface Fixtures {
  cases: OpCase[]
  summaries: SummaryCase[]
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/torch_ops.json', import.meta.url), 'utf8')) as Fixtures

const operand = (rest: Tensor[], p: Params): Tensor | number => p.scalar ?? rest[0]

/** How each fixture op runs on the engine; the keys are the op names the fixture script uses. */
const OPS = {
  add: ([a, ...rest], p) => a.add(operand(rest, p)),
  sub: ([a, ...rest], p) => a.sub(operand(rest, p)),
  mul: ([a, ...rest], p) => a.mul(operand(rest, p)),
  div: ([a, ...rest], p) => a.div(operand(rest, p)),
  neg: ([a]) => a.neg(),
  pow: ([a], p) => a.pow(p.exponent!),
  exp: ([a]) => a.exp(),
  log: ([a]) => a.log(),
  abs: ([a]) => a.abs(),
  sqrt: ([a]) => a.sqrt(),
  sigmoid: ([a]) => a.sigmoid(),
  relu: ([a]) => a.relu(),
  maximum: ([a, ...rest], p) => a.maximum(operand(rest, p)),
  where: ([c, a, b]) => where(c, a, b),
  matmul: ([a, b]) => a.matmul(b),
  linear: ([x, w, b]) => linear(x, w, b ?? null),
  sum: ([a], p) => a.sum(p.axes ?? undefined, p.keepDim),
  mean: ([a], p) => a.mean(p.axes ?? undefined, p.keepDim),
  max: ([a], p) => a.max(p.axis!, p.keepDim),
  argmax: ([a], p) => a.argmax(p.axis!, p.keepDim),
  logSoftmax: ([a], p) => a.logSoftmax(p.axis),
  softmax: ([a], p) => a.softmax(p.axis),
  reshape: ([a], p) => a.reshape(...p.shape!),
  flatten: ([a], p) => a.flatten(p.axis),
  transpose: ([a], p) => (p.axes ? a.transpose(p.axes[0], p.axes[1]) : a.transpose()),
  permute: ([a], p) => a.permute(...p.axes!),
  unsqueeze: ([a], p) => a.unsqueeze(p.axis!),
  squeeze: ([a], p) => a.squeeze(p.axis!),
  expand: ([a], p) => a.expand(...p.shape!),
  slice: ([a], p) => a.slice(p.start!, p.end),
  index: ([a], p) => a.index(p.index!),
  take: ([a], p) => a.take(p.indices!),
  cat: (inputs, p) => cat(inputs, p.axis),
  stack: (inputs, p) => stack(inputs, p.axis),
  mnistLoss: ([p, t]) => mnistLoss(p, t),
  crossEntropy: ([x, t]) => crossEntropy(x, t),
  mse: ([p, t]) => mse(p, t),
  l1: ([p, t]) => l1(p, t),
} satisfies Record<string, (inputs: Tensor[], params: Params) => Tensor>

type OpName = keyof typeof OPS

/** Which differentiable ops these fixtures exercise; adding an OpType to the engine without deciding here fails to compile. */
const COVERAGE: Record<OpType, 'fixtures' | 'tested with the layers'> = {
  Add: 'fixtures', Sub: 'fixtures', Mul: 'fixtures', Div: 'fixtures', Neg: 'fixtures', Pow: 'fixtures',
  Exp: 'fixtures', Log: 'fixtures', Abs: 'fixtures', Sqrt: 'fixtures', Sigmoid: 'fixtures', Relu: 'fixtures',
  Max: 'fixtures', Where: 'fixtures', MatMul: 'fixtures', Gemm: 'fixtures', ReduceSum: 'fixtures',
  ReduceMean: 'fixtures', ReduceMax: 'fixtures', LogSoftmax: 'fixtures', Softmax: 'fixtures', Reshape: 'fixtures',
  Transpose: 'fixtures', Slice: 'fixtures', Gather: 'fixtures', Concat: 'fixtures', Expand: 'fixtures',
  NegativeLogLikelihoodLoss: 'fixtures', MnistLoss: 'fixtures',
  Conv: 'tested with the layers', MaxPool: 'tested with the layers', AveragePool: 'tested with the layers',
  GlobalAveragePool: 'tested with the layers', BatchNormalization: 'tested with the layers', Dropout: 'tested with the layers',
  ConvBatchNormalization: 'tested with the layers',
}

function leaf(fixture: TensorFixture): Tensor {
  return fromArray(fixture.values, fixture.shape).requiresGrad_(fixture.requiresGrad)
}

/** Every OpType reachable from `root` through the recorded graph. */
function opTypesIn(root: Tensor, seen = new Set<OpType>()): Set<OpType> {
  if (root.gradFn) {
    seen.add(root.gradFn.opType)
    for (const input of root.gradFn.inputs) opTypesIn(input, seen)
  }
  return seen
}

// ENGINE_ERROR_REPORT=1 npx vitest run test/engine prints the worst errors measured per op.
const forward = new ErrorTally()
const backward = new ErrorTally()
const recorded = new Set<OpType>()

afterAll(() => {
  if (process.env.ENGINE_ERROR_REPORT) {
    console.log(`${forward.report('worst error vs PyTorch, forward:')}\n${backward.report('worst error vs PyTorch, gradients:')}`)
  }
})

describe('every op agrees with PyTorch', () => {
  describe.each(Object.keys(OPS) as OpName[])('%s', (op) => {
    const cases = fixtures.cases.filter((c) => c.op === op)

    it('has reference cases', () => {
      expect(cases.length).toBeGreaterThan(0)
    })

    it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
      const inputs = c.inputs.map(leaf)
      const out = OPS[op](inputs, c.params)
      expectShape(out, c.output.shape, 'output shape')
      forward.add(op, c.name, expectAllClose(out, c.output.values, FLOAT32, 'forward'))
      if (!c.grads) return
      opTypesIn(out).forEach((t) => recorded.add(t))
      out.mul(fromArray(c.upstream!, out.shape)).sum().backward()
      c.grads.forEach((expected, k) => {
        const input = inputs[k]
        if (expected === null) {
          expect(input.grad, `input ${k} needs no gradient`).toBeNull()
          return
        }
        expectShape(input.grad!, input.shape, `gradient ${k} shape`)
        backward.add(op, c.name, expectAllClose(input.grad!, expected, FLOAT32, `gradient of input ${k}`))
      })
    })
  })

  it('uses only ops the engine runs', () => {
    const unknown = fixtures.cases.filter((c) => !(c.op in OPS)).map((c) => c.op)
    expect(unknown).toEqual([])
  })

  it('covers every differentiable op type the fixtures are meant to cover', () => {
    const expected = Object.entries(COVERAGE).filter(([, how]) => how === 'fixtures').map(([type]) => type)
    expect([...recorded].sort()).toEqual(expect.arrayContaining(expected.sort()))
  })
})

/** `((i · mult) mod mod) / scale + offset` for each flat index i: the fixture's way of naming 791,840 inputs in four numbers. */
function patterned(pattern: Pattern, shape: number[]): Tensor {
  const size = shape.reduce((n, d) => n * d, 1)
  const data = new Float32Array(size)
  for (let i = 0; i < size; i++) data[i] = ((i * pattern.mult) % pattern.mod) / pattern.scale + pattern.offset
  return new Tensor(data, shape)
}

function expectSummary(tensor: Tensor, summary: Summary, label: string): void {
  let total = 0
  for (const v of tensor.data) total += v
  expect(summary.samples.map(([i]) => tensor.data[i]), `${label} samples`).toEqual(summary.samples.map(([, v]) => v))
  expect(total, `${label} sum`).toBe(summary.sum)
}

describe('the chapter-sized broadcast agrees with PyTorch', () => {
  it.each(fixtures.summaries.map((s) => [s.name, s] as const))('%s', (_, s) => {
    const a = patterned(s.patterns.a, s.shapes[0]).requiresGrad_()
    const b = patterned(s.patterns.b, s.shapes[1]).requiresGrad_()
    const out = a.sub(b)
    expectShape(out, s.output.shape)
    // Inputs and upstream are multiples of 2⁻¹⁰ below 2 in size, so every difference, product and
    // partial sum here (b's gradient adds 1010 of them per pixel) is exact in float32: equality holds.
    expectSummary(out, s.output, 'output')
    out.mul(patterned(s.patterns.upstream, s.output.shape)).sum().backward()
    expectShape(a.grad!, a.shape)
    expectShape(b.grad!, b.shape)
    expectSummary(a.grad!, s.grads[0], 'gradient of a')
    expectSummary(b.grad!, s.grads[1], 'gradient of b')
  })
})
