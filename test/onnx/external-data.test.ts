import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { InferenceSession, Tensor } from '../../src/main/onnx/runtime'
import { describe, expect, it } from 'vitest'
import { describeModel, OnnxClassifier, OnnxModelError } from '../../src/main/onnx'
import { DataType, encodeModel, type ModelProto } from '../../src/main/onnx/proto'
import { recordFigures } from '../helpers/figures'
import { tempFolder } from '../helpers/temp-folder'

// Plain objects in the ONNX schema's shape: the fields Digit Lab's typed interfaces leave out are the point here.
type Message = Record<string, unknown>

const dims = (d: (number | string)[]) => ({ dim: d.map((v) => (typeof v === 'number' ? { dimValue: v } : { dimParam: v })) })
const value = (name: string, shape: (number | string)[]): Message => ({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: dims(shape) } } })
const floats = (name: string, shape: number[], values = new Float32Array(shape.reduce((n, d) => n * d, 1))): Message => ({
  name,
  dims: shape,
  dataType: DataType.FLOAT,
  rawData: new Uint8Array(values.buffer),
})
const indices = (name: string, count: number): Message => ({ name, dims: [count], dataType: DataType.INT64, int64Data: Array.from({ length: count }, (_, i) => i) })

/** How a tensor says its values are elsewhere: either mark alone is enough for onnxruntime or a later tool. */
type Mark = 'data_location' | 'external_data' | 'both'
const marked = (tensor: Message, mark: Mark, location: string): Message => ({
  ...tensor,
  rawData: undefined,
  ...(mark !== 'external_data' ? { dataLocation: 1 } : {}),
  ...(mark !== 'data_location' ? { externalData: [{ key: 'location', value: location }] } : {}),
})

/** A feed-forward classifier y = flatten(x)·w + b, with extra graph parts mixed in. */
function graph(extra: { initializer?: Message[]; sparseInitializer?: Message[]; node?: Message[] } = {}, w = floats('w', [784, 10]), b: Message | null = floats('b', [10])): Message {
  return {
    name: 'g',
    node: [
      ...(extra.node ?? []),
      { opType: 'Flatten', input: ['x'], output: ['flat'] },
      { opType: 'MatMul', input: ['flat', 'w'], output: ['scores'] },
      { opType: 'Add', input: ['scores', 'b'], output: ['y'] },
    ],
    initializer: [w, ...(b ? [b] : []), ...(extra.initializer ?? [])],
    sparseInitializer: extra.sparseInitializer ?? [],
    input: [value('x', ['N', 1, 28, 28])],
    output: [value('y', ['N', 10])],
  }
}

const model = (main: Message, more: Message = {}): Uint8Array =>
  encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'another-tool', graph: main, ...more } as ModelProto)

/** Where a hidden tensor goes: parts of the main graph, or of the model beside it. */
interface Hidden {
  readonly graph?: Parameters<typeof graph>[0]
  readonly model?: Message
}

/** Every place a TensorProto can sit, each taking the tensor to hide there and giving the graph (or model) parts. */
const PLACES = {
  initializer: (t: Message) => ({ graph: { initializer: [t] } }),
  'sparse initializer values': (t: Message) => ({ graph: { sparseInitializer: [{ values: t, indices: indices('i', 10), dims: [10] }] } }),
  'sparse initializer indices': (t: Message) => ({ graph: { sparseInitializer: [{ values: floats('v', [10]), indices: t, dims: [10] }] } }),
  'Constant value': (t: Message) => ({ graph: { node: [{ opType: 'Constant', output: ['c'], attribute: [{ name: 'value', type: 4, t }] }] } }),
  'Constant sparse_value': (t: Message) => ({
    graph: { node: [{ opType: 'Constant', output: ['c'], attribute: [{ name: 'sparse_value', type: 11, sparseTensor: { values: t, indices: indices('i', 10), dims: [10] } }] }] },
  }),
  'a tensors attribute': (t: Message) => ({ graph: { node: [{ opType: 'Custom', domain: 'x', output: ['c'], attribute: [{ name: 'ts', type: 9, tensors: [floats('ok', [1]), t] }] }] } }),
  'a sparse tensors attribute': (t: Message) => ({
    graph: { node: [{ opType: 'Custom', domain: 'x', output: ['c'], attribute: [{ name: 'st', type: 12, sparseTensors: [{ values: t, indices: indices('i', 10), dims: [10] }] }] }] },
  }),
  'a local function': (t: Message) => ({ model: { functions: [{ name: 'f', domain: 'local', node: [{ opType: 'Constant', output: ['c'], attribute: [{ name: 'value', type: 4, t }] }] }] } }),
  'a training graph': (t: Message) => ({ model: { trainingInfo: [{ initialization: { name: 'init', initializer: [t] }, algorithm: { name: 'step' } }] } }),
} satisfies Record<string, (t: Message) => Hidden>
type Place = keyof typeof PLACES

/** Subgraph attributes of control-flow ops a tensor can be nested in, at any depth. */
const WRAPPERS = {
  'If then_branch': (g: Message): Message => ({ opType: 'If', input: ['cond'], output: ['o'], attribute: [{ name: 'then_branch', type: 5, g }, { name: 'else_branch', type: 5, g: { name: 'e' } }] }),
  'If else_branch': (g: Message): Message => ({ opType: 'If', input: ['cond'], output: ['o'], attribute: [{ name: 'then_branch', type: 5, g: { name: 't' } }, { name: 'else_branch', type: 5, g }] }),
  'Loop body': (g: Message): Message => ({ opType: 'Loop', input: ['', ''], output: ['o'], attribute: [{ name: 'body', type: 5, g }] }),
  'Scan body': (g: Message): Message => ({ opType: 'Scan', input: ['s'], output: ['o'], attribute: [{ name: 'body', type: 5, g }, { name: 'num_scan_inputs', type: 2, i: 1 }] }),
  'a graphs attribute': (g: Message): Message => ({ opType: 'Custom', domain: 'x', output: ['o'], attribute: [{ name: 'gs', type: 10, graphs: [{ name: 'ok' }, g] }] }),
} as const
type Wrapper = keyof typeof WRAPPERS

/** A model with `tensor` at `place`, inside `wrappers` subgraphs (outermost first). */
function modelWith(tensor: Message, place: Place, wrappers: readonly Wrapper[]): Uint8Array {
  const parts: Hidden = PLACES[place](tensor)
  if (parts.model) return model(graph(), parts.model)
  let inner: Message = { name: 'inner', ...parts.graph, output: [] }
  if (wrappers.length === 0) return model(graph(parts.graph))
  for (const wrapper of [...wrappers].reverse().slice(0, -1)) inner = { name: 'sub', node: [WRAPPERS[wrapper](inner)] }
  return model(graph({ node: [WRAPPERS[wrappers[0]](inner)] }))
}

const refusalOf = (bytes: Uint8Array): string => {
  try {
    describeModel(bytes)
    return 'accepted'
  } catch (error) {
    expect(error).toBeInstanceOf(OnnxModelError)
    return (error as Error).message
  }
}

describe('a model cannot make Digit Lab open any file but itself', () => {
  it('refuses weights kept in a file beside the model, which onnxruntime on its own would read and use', async () => {
    const folder = await tempFolder('external')
    const bias = (scale: number) => new Float32Array(Array.from({ length: 10 }, (_, i) => scale * (i === 3 ? 1 : -1)))
    const dense = { ...floats('b', [10]), rawData: undefined, dataLocation: 1, externalData: [{ key: 'location', value: 'bias.bin' }, { key: 'length', value: '40' }] }
    const sparse = { values: { ...dense, name: 'b' }, indices: indices('b_indices', 10), dims: [10] }
    const cases = { initializer: model(graph({}, floats('w', [784, 10]), dense)), 'sparse initializer': model(graph({ sparseInitializer: [sparse] }, floats('w', [784, 10]), null)) }
    for (const [where, bytes] of Object.entries(cases)) {
      const path = join(folder, `${where}.onnx`)
      await writeFile(path, bytes)
      // The threat, shown with onnxruntime alone: what bias.bin holds decides the answer.
      const answers: number[] = []
      for (const scale of [1, -1]) {
        await writeFile(join(folder, 'bias.bin'), bias(scale))
        const session = await InferenceSession.create(path)
        const { y } = await session.run({ x: new Tensor('float32', new Float32Array(784), [1, 1, 28, 28]) })
        answers.push((y.data as Float32Array)[3])
        await session.release()
      }
      expect(answers, `${where}: onnxruntime read bias.bin`).toEqual([1, -1])
      await expect(OnnxClassifier.open(path), where).rejects.toThrow(/keeps its values in an external file \("bias\.bin"\); Digit Lab opens only self-contained models/)
      await expect(OnnxClassifier.fromBytes(bytes), where).rejects.toThrow(/external file/)
    }
    expect(refusalOf(cases['sparse initializer'])).toMatch(/^tensor "b" \(at graph\.sparseInitializer\[0\]\.values\)/)
  })

  it('finds the external mark wherever a TensorProto can hide, at any subgraph depth (structure-aware fuzz)', () => {
    const tried = new Map<string, number>()
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(PLACES) as Place[])),
        fc.array(fc.constantFrom(...(Object.keys(WRAPPERS) as Wrapper[])), { maxLength: 4 }),
        fc.constantFrom<Mark>('data_location', 'external_data', 'both'),
        fc.constantFrom('package.json', '../../etc/passwd', '/etc/passwd', 'weights.bin', 'C:\\x', ''),
        (place, wrappers, mark, location) => {
          const tensor = place === 'sparse initializer indices' ? indices('hidden', 10) : floats('hidden', [10])
          tried.set(place, (tried.get(place) ?? 0) + 1)
          const withMark = refusalOf(modelWith(marked(tensor, mark, location), place, wrappers))
          expect(withMark, `${place} in ${wrappers.join(' > ') || 'the main graph'}, ${mark}`).toMatch(/^tensor "hidden" \(at .+\) keeps its values in an external file/)
          // The same model without the mark is not refused for external data: the walk, not luck, found it.
          expect(refusalOf(modelWith(tensor, place, wrappers))).not.toMatch(/external file/)
        },
      ),
      { numRuns: 400, seed: 20 },
    )
    expect([...tried.keys()].sort()).toEqual(Object.keys(PLACES).sort())
    recordFigures('onnx-external-data-fuzz', { models: 800, places: Object.keys(PLACES).length, wrappers: Object.keys(WRAPPERS).length })
  })

  it('refuses local functions, whose attribute defaults the IR 8 schema cannot see', () => {
    const fn = { functions: [{ name: 'helper', domain: 'local', node: [{ opType: 'Relu', input: ['a'], output: ['b'] }] }] }
    expect(refusalOf(model(graph(), fn))).toBe('the model defines 1 local function(s) ("helper"); Digit Lab runs plain graphs only: inline them first (onnx.inliner.inline_local_functions)')
    expect(refusalOf(model(graph()))).toBe('accepted')
  })
})
