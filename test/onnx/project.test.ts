import { spawnSync } from 'node:child_process'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Learner } from '../../src/main/engine/learner/learner'
import { createLearner } from '../../src/main/engine/learner/recipe'
import { readProject, writeProject } from '../../src/main/storage/project'
import { openProject, resumeLearner, saveProject } from '../../src/main/storage/project-state'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'
import type { ModelKind } from '../../src/shared/models'
import { mnistSample } from './helpers'
import { tempFolder } from '../helpers/temp-folder'
import { itNeeding, PYTHON_PATH, pythonOnnxMissing } from '../helpers/system-parts'

const reference = { source: 'mnist-sample', split: null }

function configFor(kind: ModelKind, overrides: Partial<TrainingConfig>): TrainingConfig {
  return { ...defaultTrainingConfig(kind, 2), ...overrides }
}

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]))

function weights(learner: Learner): number[] {
  return learner.model.parameters().flatMap((p) => Array.from(p.data))
}

const RUNS: readonly { name: string; kind: ModelKind; overrides: Partial<TrainingConfig> }[] = [
  { name: 'simple_net, plain SGD (the chapter)', kind: 'simple_net', overrides: {} },
  { name: 'mlp, SGD with momentum', kind: 'mlp', overrides: { momentum: 0.9, lr: 0.05 } },
  { name: 'linear, Adam', kind: 'linear', overrides: { optimizer: 'adam', lr: 0.01, model: { kind: 'linear', init: 'pytorch' } } },
  { name: 'linear on augmented images (random affines resume draw for draw)', kind: 'linear', overrides: { augment: true } },
]

describe.each(RUNS)('a project of $name', ({ kind, overrides }) => {
  it('saved after epoch 2, reopened and trained one more epoch, gives the uninterrupted run’s losses and weights, bit for bit', async () => {
    const dataset = mnistSample()
    const config = configFor(kind, overrides)
    const uninterrupted = createLearner(dataset, config)
    await uninterrupted.fit(3, config.lr)

    const first = createLearner(dataset, config)
    await first.fit(2, config.lr)
    const folder = await tempFolder('project')
    const path = join(folder, 'run.digitlab')
    await saveProject(path, { learner: first, config, dataset, reference })
    expect(await readdir(folder)).toEqual(['run.digitlab'])

    const resumed = resumeLearner(await openProject(path), dataset)
    expect(resumed.epochsDone).toBe(2)
    await resumed.fit(1)

    expect(sameNumbers(resumed.recorder.batchLosses, uninterrupted.recorder.batchLosses)).toBe(true)
    expect(sameNumbers(resumed.recorder.learningRates, uninterrupted.recorder.learningRates)).toBe(true)
    expect(resumed.recorder.epochs.map((e) => [e.epoch, e.trainLoss, e.validLoss])).toEqual(uninterrupted.recorder.epochs.map((e) => [e.epoch, e.trainLoss, e.validLoss]))
    expect(sameNumbers(weights(resumed), weights(uninterrupted))).toBe(true)
  })
})

describe('resuming a project', () => {
  it('needs the loader’s shuffle state: without it the third epoch draws another order and the losses differ', async () => {
    const dataset = mnistSample()
    const config = configFor('simple_net', {})
    const uninterrupted = createLearner(dataset, config)
    await uninterrupted.fit(3, config.lr)
    const first = createLearner(dataset, config)
    await first.fit(2, config.lr)
    const path = join(await tempFolder('project'), 'run.digitlab')
    await saveProject(path, { learner: first, config, dataset, reference })
    const project = await openProject(path)
    const fresh = createLearner(dataset, config).dls.train.state()
    const withoutShuffleState = resumeLearner({ ...project, manifest: { ...project.manifest, training: { ...project.manifest.training, trainLoader: fresh } } }, dataset)
    await withoutShuffleState.fit(1)
    expect(withoutShuffleState.recorder.epochs[2].trainLoss).not.toBe(uninterrupted.recorder.epochs[2].trainLoss)
  })

  it('restores the learning rate and momentum a schedule left the optimizer with', async () => {
    const dataset = mnistSample()
    const config = configFor('mlp', { epochs: 1 })
    const learner = createLearner(dataset, config)
    await learner.fit(1, config.lr)
    learner.opt.lr = 0.0123
    learner.opt.momentum = 0.85
    const path = join(await tempFolder('project'), 'run.digitlab')
    await saveProject(path, { learner, config, dataset, reference })
    const resumed = resumeLearner(await openProject(path), dataset)
    expect([resumed.opt.lr, resumed.opt.momentum]).toEqual([0.0123, 0.85])
  })

  it('refuses data that is not the data it was trained on', async () => {
    const dataset = mnistSample()
    const config = configFor('linear', { epochs: 1 })
    const learner = createLearner(dataset, config)
    await learner.fit(1, config.lr)
    const path = join(await tempFolder('project'), 'run.digitlab')
    await saveProject(path, { learner, config, dataset, reference })
    const changed = { ...dataset, valid: { ...dataset.valid, labels: dataset.valid.labels.map((l, i) => (i === 0 ? 1 - l : l)) } }
    const project = await openProject(path)
    expect(() => resumeLearner(project, changed)).toThrow(/is not the data this project was trained on/)
  })
})

describe('the project file', () => {
  async function savedProject(): Promise<{ path: string; bytes: Buffer }> {
    const dataset = mnistSample()
    const config = configFor('simple_net', {})
    const learner = createLearner(dataset, config)
    await learner.fit(1, config.lr)
    const path = join(await tempFolder('project'), 'run.digitlab')
    await saveProject(path, { learner, config, dataset, reference })
    return { path, bytes: await readFile(path) }
  }

  itNeeding(pythonOnnxMissing(), 'is a safetensors file other tools read: the manifest in its metadata, the weights as named tensors', async () => {
    const { path } = await savedProject()
    const script = [
      'import json, struct, sys, numpy as np',
      'raw = open(sys.argv[1], "rb").read()',
      'n = struct.unpack("<Q", raw[:8])[0]',
      'header = json.loads(raw[8:8 + n])',
      'manifest = json.loads(header["__metadata__"]["digit_lab.project"])',
      'w = header["model.1.weight"]',
      'a, b = w["data_offsets"]',
      'values = np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(w["shape"])',
      'print(json.dumps({"format": manifest["format"], "version": manifest["version"], "shape": list(values.shape), "first": float(values[0, 0])}))',
    ].join('\n')
    const result = spawnSync(PYTHON_PATH, ['-c', script, path], { encoding: 'utf8' })
    expect(result.stderr).toBe('')
    const { manifest, tensors } = await readProject(path)
    expect(JSON.parse(result.stdout)).toEqual({ format: 'digit-lab-project', version: 1, shape: [30, 784], first: tensors.get('model.1.weight')!.data[0] })
    expect(manifest.config.model).toEqual({ kind: 'simple_net', hidden: 30 })
    expect(manifest.dataset).toMatchObject({ source: 'mnist-sample', labelNames: ['3', '7'], counts: { train: 12396, valid: 2038 } })
    expect([...tensors.keys()].sort()).toEqual([
      'history.batch_losses', 'history.learning_rates', 'model.1.bias', 'model.1.weight', 'model.3.bias', 'model.3.weight',
      // plain SGD has no velocity yet: one empty buffer per parameter
      'optimizer.velocities.0', 'optimizer.velocities.1', 'optimizer.velocities.2', 'optimizer.velocities.3',
    ])
  })

  it('from a newer Digit Lab is refused with a message, not misread', async () => {
    const { path } = await savedProject()
    const project = await readProject(path)
    await writeProject(path, { ...project, manifest: { ...project.manifest, version: 2 as 1 } })
    await expect(openProject(path)).rejects.toThrow(/was saved by a newer Digit Lab \(project format 2; this one reads 1\): update Digit Lab to open it$/)
  })

  it('is refused when damaged, truncated, or not a project at all', async () => {
    const { path, bytes } = await savedProject()
    const flipped = new Uint8Array(bytes)
    flipped[bytes.length - 100] ^= 4
    await writeFile(path, flipped)
    await expect(openProject(path)).rejects.toThrow(/is damaged: its checksum does not match its contents/)
    await writeFile(path, bytes.subarray(0, bytes.length - 10))
    await expect(openProject(path)).rejects.toThrow(/is not a Digit Lab project, or it is damaged: .*truncated or damaged$/)
    await writeFile(path, '{"format": "digit-lab-project"}')
    await expect(openProject(path)).rejects.toThrow(/is not a Digit Lab project, or it is damaged/)
    await expect(openProject(join(__dirname, '../fixtures/onnx/foreign-mnist.onnx'))).rejects.toThrow(/is not a Digit Lab project/)
  })
})
