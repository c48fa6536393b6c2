import { spawnSync } from 'node:child_process'
import { readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { Random } from '../../src/main/engine/random'
import { buildOnnxModel, describeModel, OnnxClassifier, OnnxModelError } from '../../src/main/onnx'
import { DataType, encodeModel, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../../src/main/onnx/proto'
import { exportSource, mnistSample, officialCheck, trainBriefly } from './helpers'
import { tempFolder } from '../helpers/temp-folder'
import { itNeeding, PYTHON_PATH, pythonOnnxMissing } from '../helpers/system-parts'

const value = (name: string, dims: (number | string)[], elemType: number = DataType.FLOAT): ValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
})

const floats = (name: string, dims: number[], values?: Float32Array): TensorProto => ({
  name,
  dims,
  dataType: DataType.FLOAT,
  rawData: new Uint8Array((values ?? new Float32Array(dims.reduce((n, d) => n * d, 1))).buffer),
})

/** A small foreign classifier (Flatten → MatMul → Add), with any part replaced to make it wrong. */
function foreignModel(change: { inputs?: ValueInfoProto[]; outputs?: ValueInfoProto[]; initializer?: TensorProto[]; node?: NodeProto[] } = {}): Uint8Array {
  const model: ModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'another-tool',
    graph: {
      name: 'foreign',
      node: change.node ?? [
        { opType: 'Flatten', input: ['x'], output: ['flat'], attribute: [] },
        { opType: 'MatMul', input: ['flat', 'w'], output: ['scores'], attribute: [] },
        { opType: 'Add', input: ['scores', 'b'], output: ['y'], attribute: [] },
      ],
      initializer: change.initializer ?? [floats('w', [784, 10]), floats('b', [10])],
      input: change.inputs ?? [value('x', ['N', 1, 28, 28])],
      output: change.outputs ?? [value('y', ['N', 10])],
    },
  }
  return encodeModel(model)
}

async function refusal(bytes: Uint8Array): Promise<string> {
  const error = await OnnxClassifier.fromBytes(bytes).then(
    async (classifier) => {
      await classifier.close()
      return null
    },
    (e: unknown) => e,
  )
  expect(error, 'the model should have been refused').toBeInstanceOf(OnnxModelError)
  const message = (error as Error).message
  expect(message).not.toContain('\n')
  return message
}

describe('a model file Digit Lab cannot use is refused with a one-line reason, never a crash', () => {
  let exported: Uint8Array

  beforeAll(async () => {
    const { learner, config } = await trainBriefly('simple_net')
    exported = buildOnnxModel(exportSource(learner, config))
  })

  it('an empty file', async () => {
    expect(await refusal(new Uint8Array(0))).toBe('the file is empty (0 bytes)')
  })

  it('a truncated export', async () => {
    for (const keep of [0.5, 0.9, 0.999]) {
      expect(await refusal(exported.subarray(0, Math.floor(exported.length * keep)))).toMatch(/truncated|damaged|not an ONNX model/)
    }
  })

  it('random bytes', async () => {
    const random = new Random(7)
    for (const size of [16, 1000, 100_000]) {
      const bytes = Uint8Array.from({ length: size }, () => random.int(256))
      expect(await refusal(bytes)).toMatch(/not an ONNX model|damaged/)
    }
  })

  it('an export with a single bit flipped anywhere (onnxruntime itself would run many of these)', async () => {
    const random = new Random(11)
    for (let trial = 0; trial < 40; trial++) {
      const flipped = new Uint8Array(exported)
      const at = trial < 10 ? random.int(64) : random.int(flipped.length)
      flipped[at] ^= 1 << random.int(8)
      expect(await refusal(flipped)).toMatch(/damaged|not an ONNX model|truncated|checksum/)
    }
  })

  itNeeding(pythonOnnxMissing(), 'an export whose weights another tool changed (and saved with onnx)', async () => {
    const folder = await tempFolder('edited')
    const path = join(folder, 'model.onnx')
    await writeFile(path, exported)
    const edit = 'import onnx, sys; m = onnx.load(sys.argv[1]); w = m.graph.initializer[0]; w.raw_data = bytes([w.raw_data[0] ^ 1]) + w.raw_data[1:]; onnx.save(m, sys.argv[1])'
    const result = spawnSync(PYTHON_PATH, ['-c', edit, path], { encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(await refusal(await readFile(path))).toBe('the file is damaged: its contents do not match the checksum written at export (changed or corrupted since); export it again')
  })

  it('a model for colour 224×224 images', async () => {
    const bytes = foreignModel({ inputs: [value('data', [1, 3, 224, 224])] })
    expect(await refusal(bytes)).toBe('input "data" has shape [1,3,224,224]; Digit Lab feeds [N,1,28,28] (one grayscale 28×28 digit per row)')
  })

  it('an input of the wrong dtype', async () => {
    expect(await refusal(foreignModel({ inputs: [value('x', ['N', 1, 28, 28], DataType.INT64)] }))).toBe('input "x" is int64; Digit Lab feeds float32 images')
  })

  it('a model with two inputs, or a batch fixed above one', async () => {
    expect(await refusal(foreignModel({ inputs: [value('x', ['N', 1, 28, 28]), value('mask', ['N', 1])] }))).toMatch(/has 2 inputs \(x, mask\); Digit Lab feeds one image input/)
    expect(await refusal(foreignModel({ inputs: [value('x', [8, 1, 28, 28])] }))).toMatch(/fixes its batch at 8/)
  })

  it('a model with no output, or no class-score output', async () => {
    expect(await refusal(foreignModel({ outputs: [] }))).toBe('the model has no output')
    expect(await refusal(foreignModel({ outputs: [value('y', ['N', 10], DataType.INT64)] }))).toBe(
      'the model has no class-score output: Digit Lab needs a float32 [N, classes] output; found "y" int64 [N,10]',
    )
    expect(await refusal(foreignModel({ outputs: [value('y', ['N', 1, 10])] }))).toMatch(/no class-score output/)
  })

  it('a model whose declared sizes would need gigabytes, before anything runs', async () => {
    const hugeWeight = foreignModel({ initializer: [{ name: 'w', dims: [65536, 65536], dataType: DataType.FLOAT }, floats('b', [10])] })
    expect(await refusal(hugeWeight)).toMatch(/^the model declares 16 GB of tensors \(weight "w" alone is 16 GB\), over Digit Lab's 512 MB limit: refused before running$/)
    const hugeOutput = foreignModel({ outputs: [value('y', [1, 2 ** 40])] })
    expect(await refusal(hugeOutput)).toMatch(/declares 4\.0 TB of tensors \(value "y"/)
  })

  it('a tiny constant shape asking for gigabytes at run time (ConstantOfShape, Expand)', async () => {
    const shape = { name: 'shape', dims: [2], dataType: DataType.INT64, rawData: new Uint8Array(BigInt64Array.from([100_000n, 100_000n]).buffer) }
    const nodes = (op: NodeProto): NodeProto[] => [
      op,
      { opType: 'Flatten', input: ['x'], output: ['flat'], attribute: [] },
      { opType: 'MatMul', input: ['flat', 'w'], output: ['y'], attribute: [] },
    ]
    const initializer = [floats('w', [784, 10]), shape]
    const filled = foreignModel({ initializer, node: nodes({ opType: 'ConstantOfShape', input: ['shape'], output: ['big'], attribute: [] }) })
    expect(await refusal(filled)).toMatch(/^the model declares 37 GB of tensors \(ConstantOfShape "big" alone is 37 GB\)/)
    const expanded = foreignModel({ initializer, node: nodes({ opType: 'Expand', input: ['x', 'shape'], output: ['big'], attribute: [] }) })
    expect(await refusal(expanded)).toMatch(/\(Expand "big" alone is 37 GB\)/)
  })

  it('control flow, which could run for ever', async () => {
    const loop: NodeProto = { opType: 'Loop', input: ['', ''], output: ['z'], attribute: [{ name: 'body', type: 5, g: { name: 'body' } }] }
    const bytes = foreignModel({ node: [loop, { opType: 'Flatten', input: ['x'], output: ['flat'], attribute: [] }, { opType: 'MatMul', input: ['flat', 'w'], output: ['y'], attribute: [] }] })
    expect(await refusal(bytes)).toBe('the model uses control flow (Loop); Digit Lab runs feed-forward classifiers only')
  })

  it('weights whose stored bytes do not fit their shape, or that live in another file', async () => {
    const short = foreignModel({ initializer: [{ ...floats('w', [784, 10]), rawData: new Uint8Array(12) }, floats('b', [10])] })
    expect(await refusal(short)).toBe('weight "w" is damaged: 12 bytes for 7840 float32 values')
    const external = foreignModel({ initializer: [{ name: 'w', dims: [784, 10], dataType: DataType.FLOAT, dataLocation: 1 }, floats('b', [10])] })
    expect(await refusal(external)).toBe('tensor "w" (at graph.initializer[0]) keeps its values in an external file; Digit Lab opens only self-contained models: save the model with its weights inside')
  })

  it('a model onnxruntime cannot load, in its words', async () => {
    const unknownOp = foreignModel({ node: [{ opType: 'NoSuchOp', input: ['x'], output: ['y'], attribute: [] }] })
    expect(await refusal(unknownOp)).toMatch(/^onnxruntime cannot load the model: /)
  })

  it('files that are not there, not files, or too big to be a digit model', async () => {
    const folder = await tempFolder('refuse')
    await expect(OnnxClassifier.open(join(folder, 'missing.onnx'))).rejects.toThrow(/^cannot open .*missing\.onnx: /)
    await expect(OnnxClassifier.open(folder)).rejects.toThrow(/is not a file$/)
    const big = join(folder, 'big.onnx')
    await writeFile(big, '')
    await truncate(big, 600 * 2 ** 20)
    await expect(OnnxClassifier.open(big)).rejects.toThrow(/is 600 MB, over the 512 MB a digit model may be/)
  })
})

describe('a model from another tool', () => {
  it('shaped like the ONNX model zoo’s MNIST (batch fixed at 1, IR 3, no metadata) runs with digits as labels', async () => {
    const classifier = await OnnxClassifier.open(join(__dirname, '../fixtures/onnx/foreign-mnist.onnx'))
    const { description } = classifier
    expect(description).toMatchObject({ ours: false, inputName: 'Input3', batch: 1, scoreOutput: 'Plus214_Output_0', logitsOutput: null, irVersion: 3, opsetVersion: 8 })
    expect(classifier.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    const { loadBuiltinDataset } = await import('../../src/main/datasets/builtin')
    const { valid } = loadBuiltinDataset('mnist')
    const n = 500
    const images = new Float32Array(n * 784)
    const labels: number[] = []
    for (let k = 0; k < n; k++) {
      const i = k * Math.floor(valid.count / n)
      labels.push(valid.labels[i])
      for (let j = 0; j < 784; j++) images[k * 784 + j] = valid.pixels[i * 784 + j] / 255
    }
    const predictions = await classifier.classify(images, n)
    const accuracy = predictions.filter((p, k) => p.index === labels[k]).length / n
    expect(accuracy).toBeGreaterThan(0.75)
    for (const p of predictions.slice(0, 5)) expect(p.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
    await classifier.close()
  })

  it('accepts a dynamic batch and labels from metadata, and is not mistaken for a Digit Lab export', async () => {
    const description = describeModel(foreignModel())
    expect(description).toMatchObject({ ours: false, batch: 'dynamic', labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] })
  })
})

describe('our own export', () => {
  itNeeding(pythonOnnxMissing(), 'still opens after tools that only re-serialize it: the official checker (which in onnx 1.12 saves inferred shapes into the file) and onnx.load/onnx.save', async () => {
    const { learner, config } = await trainBriefly('simple_net')
    const path = join(await tempFolder('rewritten'), 'model.onnx')
    const original = buildOnnxModel(exportSource(learner, config))
    await writeFile(path, original)
    expect(officialCheck(path)).toBeNull()
    const rewrite = 'import onnx, sys; m = onnx.load(sys.argv[1]); print(len(m.graph.value_info)); onnx.save(m, sys.argv[1])'
    const result = spawnSync(PYTHON_PATH, ['-c', rewrite, path], { encoding: 'utf8' })
    expect(Number(result.stdout)).toBeGreaterThan(0)
    const rewritten = await readFile(path)
    expect(Buffer.compare(rewritten, Buffer.from(original))).not.toBe(0)
    const classifier = await OnnxClassifier.fromBytes(rewritten)
    expect(classifier.description.ours).toBe(true)
    await classifier.close()
  })


  it('loads with its labels and runs one image', async () => {
    const { learner, config } = await trainBriefly('linear')
    const classifier = await OnnxClassifier.fromBytes(buildOnnxModel(exportSource(learner, config)))
    const sample = mnistSample().valid
    const seven = Float32Array.from(sample.pixels.subarray(2000 * 784, 2001 * 784), (v) => v / 255)
    const prediction = await classifier.classifyOne(seven)
    expect(prediction.label).toBe('7')
    expect(Array.from(prediction.scores)).toHaveLength(2)
    await classifier.close()
  })
})
