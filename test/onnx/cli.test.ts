import { spawnSync } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli'
import { runPredict } from '../../src/main/cli/predict'
import { runTrain } from '../../src/main/cli/train'
import { grayPng } from '../../src/main/datasets/samples'
import { noGrad } from '../../src/main/engine/autograd'
import { Tensor } from '../../src/main/engine/tensor'
import { buildOnnxModel, describeModel } from '../../src/main/onnx'
import { exportSource, mnistSample, trainBriefly } from './helpers'
import { capture } from '../helpers/capture'
import { tempFolder } from '../helpers/temp-folder'

describe('digit-lab train --export', () => {
  it('writes the ONNX file once parity holds, and prints the parity report', async () => {
    const folder = await tempFolder('cli-export')
    const path = join(folder, 'model.onnx')
    const { stream, lines } = capture()
    const summary = await runTrain(['--model', 'simple_net', '--epochs', '1', '--export', path], stream)
    expect(lines.at(-1)).toMatch(/^exported .*model\.onnx \(\d+\.\d KB\): parity on 2000 validation images: max \|Δlogit\| \d\.\de-\d+( \(logits up to [\d.]+\))?, max \|Δp\| .*, argmax agreement 100\.00% \(tolerance 1e-4\)$/)
    expect(summary.export).toMatchObject({ path, parity: { images: 2000, argmaxAgreement: 1, passed: true } })
    const description = describeModel(await readFile(path))
    expect(description.labels).toEqual(['3', '7'])
    expect(JSON.parse(description.metadata.get('training')!)).toMatchObject({ dataset: 'mnist-sample', loss: 'mnist', epochs: 1, seed: 42 })
  })

  it('puts the parity report in the --json summary', async () => {
    const path = join(await tempFolder('cli-export'), 'pixel.onnx')
    const { stream, lines } = capture()
    await runTrain(['--model', 'pixel', '--export', path, '--json'], stream)
    const summary = JSON.parse(lines.at(-1)!)
    expect(summary.export.parity).toMatchObject({ images: 2000, disagreements: 0, passed: true })
    expect(summary.export.parity.maxLogitDelta).toBeLessThanOrEqual(1e-4)
  })
})

describe('digit-lab predict', () => {
  let folder: string
  let model: string
  /** What the engine itself predicts for each written image, by file name. */
  const engineSays = new Map<string, string>()

  beforeAll(async () => {
    folder = join(await tempFolder('cli-predict'), 'digits')
    const { learner, config } = await trainBriefly('simple_net')
    model = join(folder, '..', 'model.onnx')
    await writeFile(model, buildOnnxModel(exportSource(learner, config)))
    const valid = mnistSample().valid
    for (const label of ['3', '7']) await mkdir(join(folder, label), { recursive: true })
    const picks = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019]
    for (const i of picks) {
      const pixels = valid.pixels.subarray(i * 784, (i + 1) * 784)
      const file = `${valid.labels[i] === 0 ? '3' : '7'}/${i}.png`
      await writeFile(join(folder, file), await grayPng(pixels))
      const logit = noGrad(() => learner.model.forward(new Tensor(Float32Array.from(pixels, (v) => v / 255), [1, 1, 28, 28]))).data[0]
      engineSays.set(file, 1 / (1 + Math.exp(-logit)) > 0.5 ? '3' : '7')
    }
    await writeFile(join(folder, '7', 'broken.png'), 'not a png at all')
    await writeFile(join(folder, 'notes.txt'), 'the 3s and 7s')
  })

  it('classifies a folder of label folders like the engine, with accuracy, a confusion matrix and what it skipped (--json)', async () => {
    const { stream, lines } = capture()
    await runPredict([model, folder, '--json'], stream)
    const objects = lines.map((line) => JSON.parse(line))
    const images = objects.slice(0, -1)
    const summary = objects.at(-1)
    expect(images).toHaveLength(20)
    for (const image of images) {
      expect(image.predicted).toBe(engineSays.get(image.file))
      expect(image.label).toBe(image.file.split('/')[0])
      expect(image.scores['3'] + image.scores['7']).toBeCloseTo(1, 5)
    }
    const correct = images.filter((image: { correct: boolean }) => image.correct).length
    expect(summary).toMatchObject({ images: 20, labelled: 20, correct, accuracy: correct / 20, skipped: 2, labels: ['3', '7'] })
    expect(summary.accuracy).toBeGreaterThan(0.8)
    expect(summary.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(20)
    expect(summary.skippedFiles).toEqual([
      { file: '7/broken.png', reason: 'not an image Digit Lab can read (PNG, JPEG, WebP, GIF, TIFF, AVIF or BMP)' },
      { file: 'notes.txt', reason: expect.stringMatching(/not a label folder|not an image/) },
    ])
  })

  it('prints one line per image, the accuracy and the confusion matrix for people', async () => {
    const { stream, lines } = capture()
    await runPredict([model, folder], stream)
    expect(lines[0]).toMatch(/^3\/0\.png {2}→ {2}[37] {3}\(3 0\.\d{3} {2}7 0\.\d{3}\)/)
    const at = lines.findIndex((line) => line.startsWith('accuracy '))
    expect(lines[at]).toMatch(/^accuracy \d\.\d{4} \(\d+ of 20 labelled images\)$/)
    expect(lines[at + 1]).toBe('confusion matrix (rows: label, columns: predicted)')
    expect(lines[at + 2].trim().split(/\s+/)).toEqual(['3', '7'])
    expect(lines).toContain('skipped 2 files:')
  })

  it('classifies one image, with --centre too, and a model from another tool', async () => {
    const image = join(folder, '7', '1010.png')
    for (const args of [[model, image, '--json'], [model, image, '--json', '--centre']]) {
      const { stream, lines } = capture()
      await runPredict(args, stream)
      expect(JSON.parse(lines[0])).toMatchObject({ file: image, predicted: '7', label: null, correct: null })
      expect(JSON.parse(lines[1])).toMatchObject({ images: 1, labelled: 0, accuracy: null, skipped: 0 })
    }
    const { stream, lines } = capture()
    const foreign = join(__dirname, '../fixtures/onnx/foreign-mnist.onnx')
    const summary = await runPredict([foreign, folder, '--json'], stream)
    expect(summary.labels).toHaveLength(10)
    expect(summary.labelled).toBe(20)
    expect(summary.accuracy).toBeGreaterThan(0.7)
    expect(lines).toHaveLength(21)
  })

  it('exits 2 on bad arguments and 1, with the reason, on a model it refuses', async () => {
    expect(await main(['predict', model])).toBe(2)
    expect(await main(['predict', model, folder, '--bogus'])).toBe(2)
    const notModel = join(folder, '3', '0.png')
    const run = spawnSync(process.execPath, ['bin/digit-lab.mjs', 'predict', notModel, folder], { encoding: 'utf8' })
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/^digit-lab predict: \S+\/3\/0\.png: not an ONNX model, or a truncated one: it does not parse as an ONNX ModelProto \(.*\)\n$/)
  })
})
