// `npx tsx bench/handwriting-styles.ts [out.png]`: how the shipped MNIST CNN reads each drawn style of
// test/helpers/handwriting.ts (10 drawings each, preprocessed as the Draw view does), and a sheet of them.
import sharp from 'sharp'
import { centreDigit } from '../src/shared/centre-digit'
import { DataLoader } from '../src/main/engine/data/dataloader'
import { ImageDataset } from '../src/main/engine/data/dataset'
import { predictClasses } from '../src/main/engine/learner/predictions'
import { createModel } from '../src/main/engine/models/zoo'
import { loadStartingPoint } from '../src/main/engine/pretrained/starting-points'
import { Random } from '../src/main/engine/random'
import { PAD_SIDE, jittered, rasterizeStrokes, STYLES, type StyleName } from '../test/helpers/handwriting'

const PER = 10
const { manifest, state } = loadStartingPoint('mnist-cnn')
const shape = { name: 'x', labelNames: manifest.labelNames, height: 28, width: 28, train: { pixels: new Uint8Array(0), labels: new Int32Array(0), count: 0 }, valid: { pixels: new Uint8Array(0), labels: new Int32Array(0), count: 0 } }
const model = createModel(manifest.model, shape, 10, new Random(0))
model.loadStateDict(state)
const names = Object.keys(STYLES) as StyleName[]
const sheet = new Uint8Array(names.length * 28 * PER * 28)
names.forEach((name, s) => {
  const pixels = new Uint8Array(PER * 784)
  for (let i = 0; i < PER; i++) {
    const input = centreDigit(rasterizeStrokes(jittered(STYLES[name], 1000 + i)), PAD_SIDE, PAD_SIDE)
    pixels.set(input, i * 784)
    for (let y = 0; y < 28; y++) sheet.set(input.subarray(y * 28, y * 28 + 28), (s * 28 + y) * 28 * PER + i * 28)
  }
  const labels = new Int32Array(PER).fill(STYLES[name].digit)
  const predicted = predictClasses(model, new DataLoader(new ImageDataset({ pixels, labels, count: PER }, 28, 28, 'class'), { batchSize: 64 }))
  const right = predicted.filter((p) => p === STYLES[name].digit).length
  console.log(`${name.padEnd(14)} ${STYLES[name].digit}: read right ${right}/${PER}  as ${Array.from(predicted).join(' ')}`)
})
if (process.argv[2]) await sharp(Buffer.from(sheet), { raw: { width: 28 * PER, height: 28 * names.length, channels: 1 } }).resize({ width: 28 * PER * 4, kernel: 'nearest' }).png().toFile(process.argv[2])
