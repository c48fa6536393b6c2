import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import sharp from 'sharp'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli'
import { importDataset, loadBuiltinDataset } from '../../src/main/datasets'
import { noGrad } from '../../src/main/engine/autograd'
import { rand } from '../../src/main/engine/creation'
import { RandomAffine } from '../../src/main/engine/data/augment'
import { oneCycleAt } from '../../src/main/engine/learner/schedule'
import { createModel } from '../../src/main/engine/models/zoo'
import { Random } from '../../src/main/engine/random'
import { exportPytorchProject, torchState } from '../../src/main/pytorch/export-project'
import { modelCode } from '../../src/main/pytorch/model-code'
import { fill, pythonLiteral, recipeBlock, renderTrainPy } from '../../src/main/pytorch/render'
import { snapshotLearner } from '../../src/main/storage/learner-snapshot'
import { encodeSafetensors } from '../../src/main/storage/safetensors'
import { createLearner } from '../../src/main/engine/learner/recipe'
import type { ModelSpec } from '../../src/shared/models'
import { defaultTrainingConfig } from '../../src/shared/training'
import { everyNth } from '../helpers/datasets'
import { digitFolder } from '../service/service-helpers'
import { tempFolder } from '../helpers/temp-folder'
import { itNeeding, pythonTorchMissing } from '../helpers/system-parts'
import { lastJson, runPython } from './python'

const SPECS: readonly ModelSpec[] = [
  { kind: 'linear', init: 'randn' },
  { kind: 'simple_net', hidden: 30 },
  { kind: 'mlp', hidden: [40, 20] },
  { kind: 'cnn', channels: [8, 16, 32] },
  { kind: 'resnet18' },
]

/** Load each folder's train.py as a module, its weights into build_model(), and give the largest |Δlogit| on ref's images. */
const COMPARE = `
import importlib.util, json, sys, torch
torch.set_num_threads(1)
out = {}
for folder in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("train_" + folder.replace("/", "_"), folder + "/train.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    model = train.build_model().eval()
    names = {name: list(t.shape) for name, t in model.state_dict().items() if not name.endswith("num_batches_tracked")}
    train.load_weights(model, folder + "/weights.safetensors")
    ref = train.load_safetensors(folder + "/ref.safetensors")
    with torch.no_grad():
        delta = (model(ref["x"]) - ref["logits"]).abs().max().item()
    out[folder.rsplit("/", 1)[1]] = {"names": names, "delta": delta}
print(json.dumps(out))
`

describe('the exported train.py builds our models', () => {
  const dataset = everyNth(loadBuiltinDataset('mnist'), 500)

  itNeeding(pythonTorchMissing(), 'with our state dict\'s names and shapes, and our logits from our weights, for every kind', async () => {
    const folder = await tempFolder('pytorch-models')
    const expected: Record<string, Record<string, number[]>> = {}
    for (const spec of SPECS) {
      const outputs = spec.kind === 'simple_net' ? 1 : 10
      const model = createModel(spec, dataset, outputs, new Random(3)).eval()
      const dir = join(folder, spec.kind)
      await mkdir(dir)
      const config = { ...defaultTrainingConfig(spec.kind, outputs === 1 ? 2 : 10), model: spec }
      await writeFile(join(dir, 'train.py'), renderTrainPy({ title: spec.kind, config, labels: dataset.labelNames, data: 'idx', splits: 'test', modelCode: modelCode(model, spec, 1, outputs) }))
      const state = torchState(model)
      await writeFile(join(dir, 'weights.safetensors'), encodeSafetensors(state, {}))
      const x = rand([4, 1, 28, 28], new Random(5))
      const logits = noGrad(() => model.forward(x))
      await writeFile(join(dir, 'ref.safetensors'), encodeSafetensors(new Map([
        ['x', { dtype: 'F32', shape: [...x.shape], data: x.data }],
        ['logits', { dtype: 'F32', shape: [...logits.shape], data: Float32Array.from(logits.data) }],
      ]), {}))
      expected[spec.kind] = Object.fromEntries([...state].map(([name, t]) => [name, [...t.shape]]))
    }
    const result = lastJson<Record<string, { names: Record<string, number[]>; delta: number }>>(
      await runPython(folder, ['-c', COMPARE, ...SPECS.map((spec) => join(folder, spec.kind))]))
    for (const spec of SPECS) {
      expect(result[spec.kind].names, spec.kind).toEqual(expected[spec.kind])
      expect(result[spec.kind].delta, spec.kind).toBeLessThanOrEqual(1e-4)
    }
    expect(Object.keys(expected.cnn)).toContain('1.running_mean')
    expect(Object.keys(expected.resnet18)).toContain('layer2.0.downsample.1.running_var')
  }, 120_000)

  it('writes the recipe as Python constants, and refuses a template slot left empty or a value with no slot', () => {
    expect([pythonLiteral(null), pythonLiteral(true), pythonLiteral(0.01), pythonLiteral(['3', '7'])]).toEqual(['None', 'True', '0.01', '["3", "7"]'])
    const block = recipeBlock({ ...defaultTrainingConfig('cnn', 10), gradClip: 1 }, ['a', 'b'])
    expect(block).toMatch(/^LABELS = \["a", "b"\] +# class i is LABELS\[i\]/)
    expect(block).toMatch(/^BINARY = False /m)
    expect(block).toMatch(/^OPTIMIZER = "adam" /m)
    expect(block).toMatch(/^SCHEDULE = "one-cycle" /m)
    expect(block).toMatch(/^GRAD_CLIP = 1 /m)
    expect(() => fill('a {{X}} b', {})).toThrow('template slot {{X}} has no value')
    expect(() => fill('a', { X: '1' })).toThrow('template has no slot for X')
  })

  it('refuses a folder that is not empty and a model with nothing trained, writing nothing', async () => {
    const folder = await tempFolder('pytorch')
    const sample = everyNth(loadBuiltinDataset('mnist-sample'), 50)
    const linear = { ...defaultTrainingConfig('linear', 2), epochs: 1 }
    await writeFile(join(folder, 'keep.txt'), 'mine')
    const source = (config: typeof linear) => ({ snapshot: snapshotLearner(createLearner(sample, config), config), dataset: sample, source: 'mnist-sample' })
    await expect(exportPytorchProject(folder, source(linear))).rejects.toThrow(/is not empty: choose a new \(or empty\) folder .*nothing was written/)
    await expect(exportPytorchProject(join(folder, 'pixel'), source(defaultTrainingConfig('pixel', 2)))).rejects.toThrow(/pixel similarity is not trained by gradient descent/)
    expect(await readdir(folder)).toEqual(['keep.txt'])
    expect(await main(['export-pytorch', join(folder, 'missing.digitlab')])).toBe(2)
    expect(await main(['export-pytorch', join(folder, 'missing.digitlab'), join(folder, 'out')])).toBe(1)
  })

  it('exports the labels as corrected: a relabelled image under its new label, a left-out one nowhere', async () => {
    const root = await digitFolder()
    const corrections = [{ file: '0/3.png', action: 'relabel', label: '1' }, { file: '1/5.png', action: 'leave-out' }]
    await writeFile(join(root, 'digit-lab-corrections.json'), JSON.stringify({ format: 'digit-lab-corrections', version: 1, corrections }))
    const { dataset, corrections: applied } = await importDataset(root, { validPercent: 25, seed: 1 })
    expect(applied).toMatchObject({ relabelled: 1, leftOut: 1 })
    const config = { ...defaultTrainingConfig('simple_net', 2), epochs: 1, batchSize: 4 }
    const out = join(await tempFolder('pytorch'), 'corrected')
    const learner = createLearner(dataset, config)
    await learner.fit(1)
    expect((await exportPytorchProject(out, { snapshot: snapshotLearner(learner, config), dataset, source: root })).images).toBe(23)
    const exported = async (label: string) => (await Promise.all(['train', 'valid'].map(async (split) =>
      Promise.all((await readdir(join(out, 'data', split, label))).map((name) => readFile(join(out, 'data', split, label, name))))))).flat()
    const [zeros, ones] = [await exported('0'), await exported('1')]
    expect([zeros.length, ones.length]).toEqual([11, 12])
    const pixels = async (png: Buffer) => (await sharp(png).raw().toBuffer()).toString('hex')
    const relabelled = await pixels(await readFile(join(root, '0', '3.png')))
    expect((await Promise.all(ones.map(pixels))).filter((image) => image === relabelled)).toHaveLength(1)
    // the folder draws its six odd-numbered rings alike: five stay under 0
    expect((await Promise.all(zeros.map(pixels))).filter((image) => image === relabelled)).toHaveLength(5)
    expect(await readFile(join(out, 'README.md'), 'utf8')).toContain('a relabelled image sits under its new label')
  })

  it('writes a built-in sample that is not as shipped (corrected: relabelled or left-out images) as image folders, not MNIST\'s files', async () => {
    const sample = everyNth(loadBuiltinDataset('mnist-sample'), 50)
    const config = { ...defaultTrainingConfig('linear', 2), epochs: 1 }
    const learner = createLearner(sample, config)
    await learner.fit(1)
    const out = join(await tempFolder('pytorch'), 'sample')
    const result = await exportPytorchProject(out, { snapshot: snapshotLearner(learner, config), dataset: sample, source: 'mnist-sample' })
    expect(result.images).toBe(sample.train.count + sample.valid.count)
    expect((await readdir(join(out, 'data'))).sort()).toEqual(['train', 'valid'])
    expect(await readFile(join(out, 'train.py'), 'utf8')).toContain('def read_png(path):')
  })

  itNeeding(pythonTorchMissing(), 'augments as our RandomAffine does (the same draws move the same pixels, square or not) and schedules as our one-cycle', async () => {
    const folder = await tempFolder('pytorch-affine')
    const config = { ...defaultTrainingConfig('simple_net', 2), augment: true }
    await writeFile(join(folder, 'train.py'), renderTrainPy({ title: 'affine', config, labels: ['3', '7'], data: 'idx', splits: 'test', modelCode: 'def build_model():\n    pass' }))
    const cases = []
    for (const [height, width] of [[28, 28], [20, 28]]) {
      const draws = [0.93, 0.12, 0.71, 0.05, 0.4, 0.88, 0.5, 0.97, 0.02, 0.6, 0.33, 0.25]
      const stub = { uniform: () => draws.shift()! } as unknown as Random
      const affine = new RandomAffine(stub)
      const size = height * width
      const src = rand([3 * size], new Random(9)).data
      const ours = new Float32Array(3 * size)
      const u = draws.slice()
      const params = [0, 1, 2].map((r) => {
        affine.apply(src, r * size, ours, r * size, height, width)
        const [a, sx, sy, s] = u.slice(4 * r, 4 * r + 4).map((v) => 2 * v - 1)
        return [a * 10, sx * 2, sy * 2, 1 + s * 0.1]
      })
      cases.push({ height, width, src: [...src], params, ours: [...ours] })
    }
    const script = `
import importlib.util, json, sys, torch
spec = importlib.util.spec_from_file_location("train", "train.py")
train = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train)
deltas = []
for case in json.load(sys.stdin):
    x = torch.tensor(case["src"]).reshape(3, 1, case["height"], case["width"])
    columns = torch.tensor(case["params"], dtype=torch.float32).t()
    out = train.affine(x, *columns)
    deltas.append((out.flatten() - torch.tensor(case["ours"])).abs().max().item())
    assert train.random_affine(x, torch.Generator().manual_seed(1)).shape == x.shape
cycle = [train.one_cycle(pct, 0.01) for pct in json.loads(sys.argv[1])]
print(json.dumps({"deltas": deltas, "cycle": cycle}))
`
    const pcts = [0, 0.01, 0.1, 0.2499, 0.25, 0.4, 0.75, 0.999]
    const { deltas, cycle } = lastJson<{ deltas: number[]; cycle: [number, number][] }>(await runPython(folder, ['-c', script, JSON.stringify(pcts)], {}, JSON.stringify(cases)))
    pcts.forEach((pct, i) => {
      const { lr, momentum } = oneCycleAt(pct, 0.01)
      expect(cycle[i][0]).toBeCloseTo(lr, 15)
      expect(cycle[i][1]).toBeCloseTo(momentum, 15)
    })
    expect(deltas).toHaveLength(2)
    for (const delta of deltas) expect(delta).toBeLessThanOrEqual(1e-5)
  }, 60_000)
})
