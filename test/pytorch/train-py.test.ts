import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { runExportPytorch } from '../../src/main/cli/export-pytorch'
import { loadBuiltinDataset, openDataset } from '../../src/main/datasets'
import type { DigitDataset, ImageSplit } from '../../src/main/engine/data/dataset'
import { createLearner, fitFromConfig } from '../../src/main/engine/learner/recipe'
import { exportPytorchProject } from '../../src/main/pytorch/export-project'
import { snapshotLearner } from '../../src/main/storage/learner-snapshot'
import { saveProject } from '../../src/main/storage/project-state'
import { defaultTrainingConfig, type TrainingConfig } from '../../src/shared/training'
import { capture } from '../helpers/capture'
import { recordFigures } from '../helpers/figures'
import { everyNth } from '../helpers/datasets'
import { tempFolder } from '../helpers/temp-folder'
import { describeNeeding, pythonTorchMissing } from '../helpers/system-parts'
import { lastJson, runDistributed, runPython } from './python'

interface TrainResult { epochs: number; accuracy: number; seconds: number }
interface CheckResult { images: number; engine: number; onnx: number | string }

/** Our engine's accuracy with a recipe: what the exported train.py must reach. */
async function trainOurs(dataset: DigitDataset, config: TrainingConfig) {
  const learner = createLearner(dataset, config)
  await fitFromConfig(learner, config)
  return { learner, accuracy: Object.values(learner.validate().metrics)[0] }
}

/** The exported project's check, one process from scratch, and two processes with DDP: all against `accuracy`. */
async function checkExport(name: string, dir: string, accuracy: number): Promise<void> {
  const [checked, resumed] = await Promise.all([runPython(dir, ['check.py']), runPython(dir, ['train.py', '--resume', '--epochs', '0'])])
  const check = lastJson<CheckResult>(checked)
  // The run's weights, loaded and validated by train.py without training: our accuracy, to float32's last digits.
  expect(lastJson<TrainResult>(resumed)).toMatchObject({ epochs: 0 })
  expect(Math.abs(lastJson<TrainResult>(resumed).accuracy - accuracy)).toBeLessThanOrEqual(0.001)
  expect(check.images).toBeGreaterThan(1000)
  expect(check.engine).toBeLessThanOrEqual(1e-4)
  // Debian has no onnxruntime: the check must say so rather than claim a comparison it did not make.
  if (typeof check.onnx === 'string') expect(check.onnx).toMatch(/^not compared: onnxruntime is not installed/)
  else expect(check.onnx).toBeLessThanOrEqual(1e-4)

  const single = await runPython(dir, ['train.py'])
  const result = lastJson<TrainResult>(single)
  expect(single.stdout).toMatch(/^epoch 1\/\d+ {2}train_loss [\d.]+ {2}valid_loss [\d.]+ {2}accuracy [\d.]+/)
  expect(Math.abs(result.accuracy - accuracy), `train.py ${result.accuracy} vs ours ${accuracy}`).toBeLessThanOrEqual(0.01)

  const [rank0, rank1] = await runDistributed(dir, [])
  expect(rank1.status, rank1.stderr).toBe(0)
  expect(rank1.stdout).toBe('')
  const distributed = lastJson<TrainResult>(rank0)
  expect(distributed.epochs).toBe(result.epochs)
  expect(Math.abs(distributed.accuracy - accuracy), `2 processes ${distributed.accuracy} vs ours ${accuracy}`).toBeLessThanOrEqual(0.01)
  recordFigures(`pytorch-export-${name}`, { ours: accuracy, trainPy: result.accuracy, twoProcesses: distributed.accuracy, epochs: result.epochs, maxLogitDelta: check.engine, onnx: check.onnx })
}

/** A split as MNIST's IDX files name it: `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte`. */
async function writeIdx(dir: string, prefix: string, split: ImageSplit): Promise<void> {
  const images = Buffer.alloc(16 + split.pixels.length)
  ;[0x803, split.count, 28, 28].forEach((value, i) => images.writeUInt32BE(value, 4 * i))
  images.set(split.pixels, 16)
  const labels = Buffer.alloc(8 + split.count)
  ;[0x801, split.count].forEach((value, i) => labels.writeUInt32BE(value, 4 * i))
  labels.set(Uint8Array.from(split.labels), 8)
  await writeFile(join(dir, `${prefix}-images-idx3-ubyte`), images)
  await writeFile(join(dir, `${prefix}-labels-idx1-ubyte`), labels)
}

describeNeeding(pythonTorchMissing(), 'an exported PyTorch project', () => {
  it('simple_net on mnist-sample (MNIST\'s IDX files): the chapter\'s recipe reaches our accuracy in one process and in two (DDP, gloo)', async () => {
    const folder = await tempFolder('pytorch')
    const config = defaultTrainingConfig('simple_net', 2)
    const dataset = loadBuiltinDataset('mnist-sample')
    const { learner, accuracy } = await trainOurs(dataset, config)
    const project = join(folder, 'run.digitlab')
    await saveProject(project, { learner, config, dataset, reference: { source: 'mnist-sample', split: null } })
    const out = join(folder, 'simple-net')
    const { stream, lines } = capture()
    await runExportPytorch([project, out], stream)
    expect(lines.join('\n')).toMatch(/train\.py, MNIST's IDX files, weights\.safetensors/)
    await checkExport('simple-net', out, accuracy)
  }, 240_000)

  it('the CNN on a 2,000-image MNIST subset (ImageFolder PNGs): one-cycle AdamW reaches our accuracy in one process and in two', async () => {
    const folder = await tempFolder('pytorch')
    const mnist = loadBuiltinDataset('mnist')
    await writeIdx(folder, 'train', everyNth(mnist, 30).train)
    await writeIdx(folder, 't10k', everyNth(mnist, 5).valid)
    const dataset = await openDataset(folder)
    expect([dataset.train.count, dataset.valid.count]).toEqual([2000, 2000])
    // NOTE: six epochs rather than the default three: on 2,000 images three leave both engines short of converging,
    // where their accuracies still differ by seed (ours 0.929–0.935, PyTorch 0.936–0.944 over three seeds).
    const config: TrainingConfig = { ...defaultTrainingConfig('cnn', 10), epochs: 6 }
    const { learner, accuracy } = await trainOurs(dataset, config)
    const out = join(folder, 'cnn')
    const result = await exportPytorchProject(out, { snapshot: snapshotLearner(learner, config), dataset, source: folder })
    expect(result.images).toBe(4000)
    expect(result.onnxParity.passed).toBe(true)
    await checkExport('cnn', out, accuracy)
  }, 300_000)
})
