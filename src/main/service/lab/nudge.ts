import { noGrad } from '../../engine/autograd'
import { arange } from '../../engine/creation'
import type { DigitDataset } from '../../engine/data/dataset'
import { cat } from '../../engine/ops/shape'
import { where } from '../../engine/ops/elementwise'
import { Tensor } from '../../engine/tensor'
import type { NudgeReply, NudgeRequest } from '../../../shared/lab'
import type { LabModel } from './lab-models'
import { lossOf, splitDataset, validate, validationOutputs } from './evaluate'

/** Nudges in the sweep: this many, evenly from −range to +range. */
const SWEEP = 61
/** Floats of nudged logits per chunk of the sweep (a turn of the event loop between chunks). */
const CHUNK_FLOATS = 2 ** 20

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
/** Predictions drawn on the sigmoid. */
const ON_SIGMOID = 160

/** The weight the validation loss is most sensitive to: the largest |∂loss/∂w| of the first layer, by autograd over every validation image. */
function steepest(dataset: DigitDataset, model: LabModel): { output: number; pixel: number; gradients: Float32Array } {
  const valid = splitDataset(dataset, 'valid', model)
  const { x, y } = valid.batch(Int32Array.from({ length: valid.length }, (_, i) => i))
  const [, weight] = model.module.namedParameters()[0]
  for (const p of model.module.parameters()) p.grad = null
  lossOf(model)(model.module.forward(x), y).backward()
  const gradients = weight.grad!.data.slice()
  for (const p of model.module.parameters()) p.grad = null
  let best = 0
  for (let i = 1; i < gradients.length; i++) if (Math.abs(gradients[i]) > Math.abs(gradients[best])) best = i
  const width = weight.shape[1]
  return { output: Math.floor(best / width), pixel: best % width, gradients }
}

/**
 * Loss and accuracy for every nudge at once, by broadcasting: logit `output` of image i moves by
 * δ·x_i[pixel], so (deltas, 1) · (1, n) + (1, n) gives every nudged logit without copying the model.
 */
function sweepScores(model: LabModel, logits: Tensor, targets: Tensor, pixels: Tensor, output: number, deltas: Tensor): { loss: Float32Array; accuracy: Float32Array } {
  return noGrad(() => {
    const k = deltas.size
    const shift = deltas.reshape(k, 1).mul(pixels.reshape(1, -1))
    if (model.binary) {
      const z = logits.reshape(1, -1).add(shift)
      const s = z.sigmoid()
      const t = targets.reshape(1, -1)
      const loss = where(t.eq(1), s.neg().add(1), s).mean(-1)
      const accuracy = s.gt(0.5).eq(t).mean(-1)
      return { loss: loss.data, accuracy: accuracy.data }
    }
    const [n, classes] = logits.shape
    const oneHot = new Tensor(new Float32Array(classes).fill(0), [1, 1, classes])
    oneHot.data[output] = 1
    const z = logits.reshape(1, n, classes).add(shift.reshape(k, n, 1).mul(oneHot))
    const target = new Tensor(new Float32Array(n * classes), [1, n, classes])
    for (let i = 0; i < n; i++) target.data[i * classes + targets.data[i]] = 1
    const loss = z.reshape(k * n, classes).logSoftmax(-1).reshape(k, n, classes).mul(target).sum(-1).mean(-1).neg()
    const predicted = z.reshape(k * n, classes).argmax(-1).reshape(k, n)
    const accuracy = predicted.eq(targets.reshape(1, n)).mean(-1)
    return { loss: loss.data, accuracy: accuracy.data }
  })
}

/** The sweep a chunk of nudges at a time, giving the event loop a turn between chunks. */
async function sweepInChunks(model: LabModel, logits: Tensor, targets: Tensor, pixels: Tensor, output: number, deltas: Tensor): Promise<{ loss: Float32Array; accuracy: Float32Array }> {
  const per = Math.max(1, Math.floor(CHUNK_FLOATS / logits.size))
  const [loss, accuracy] = [new Float32Array(deltas.size), new Float32Array(deltas.size)]
  for (let start = 0; start < deltas.size; start += per) {
    const part = sweepScores(model, logits, targets, pixels, output, deltas.slice(start, Math.min(deltas.size, start + per)))
    loss.set(part.loss, start)
    accuracy.set(part.accuracy, start)
    await nextTurn()
  }
  return { loss, accuracy }
}

/** Panel 5: one weight of the Lab's linear model nudged both ways; the loss and the accuracy it gives. */
export async function nudgeWeight(dataset: DigitDataset, model: LabModel, request: NudgeRequest): Promise<Omit<NudgeReply, 'model'>> {
  if (model.kind !== 'linear') throw new Error('the nudge panel looks at the linear model')
  const named = model.module.namedParameters()
  const [name, weight] = named[0]
  const [outputs, width] = weight.shape
  const found = steepest(dataset, model)
  const { output, pixel } = request.weight ?? found
  if (output >= outputs || pixel >= width) throw new Error(`there is no weight for output ${output} and pixel ${pixel}: the model has ${outputs} outputs and ${width} pixels`)
  const index = output * width + pixel
  const { outputs: chunks, targets: targetChunks } = validationOutputs(dataset, model)
  const logits = cat(chunks, 0)
  const targets = cat(targetChunks, 0)
  const valid = splitDataset(dataset, 'valid', model)
  const pixels = new Tensor(Float32Array.from({ length: valid.length }, (_, i) => dataset.valid.pixels[i * width + pixel] / 255), [valid.length])
  const deltas = arange(0, SWEEP).mul((2 * request.range) / (SWEEP - 1)).sub(request.range)
  const swept = await sweepInChunks(model, logits, targets, pixels, output, deltas)
  const delta = Math.max(-request.range, Math.min(request.range, request.delta))
  const original = weight.data[index]
  const before = validate(dataset, model)
  weight.data[index] = original + delta
  const after = validate(dataset, model)
  weight.data[index] = original
  let flat = 0
  for (let i = 1; i < SWEEP; i++) if (swept.accuracy[i] === swept.accuracy[i - 1] && swept.loss[i] !== swept.loss[i - 1]) flat++
  return {
    lossName: model.binary ? 'mnist_loss' : 'cross-entropy',
    weight: { output, pixel, name, value: original },
    gradient: found.gradients[index],
    gradientMap: Array.from(found.gradients.subarray(output * width, (output + 1) * width)),
    sweep: { deltas: Array.from(deltas.data), loss: Array.from(swept.loss), accuracy: Array.from(swept.accuracy) },
    delta,
    before,
    after,
    flatShare: flat / (SWEEP - 1),
    sigmoid: model.binary ? sigmoidPlot(logits, targets) : null,
  }
}

/** σ(z) over z, and a spread of the validation predictions on it, as the chapter plots them. */
function sigmoidPlot(logits: Tensor, targets: Tensor): NonNullable<NudgeReply['sigmoid']> {
  const z = arange(-10, 10.01, 0.1)
  const s = noGrad(() => z.sigmoid())
  const n = logits.size
  const picked = Array.from({ length: Math.min(ON_SIGMOID, n) }, (_, k) => Math.floor((k * n) / Math.min(ON_SIGMOID, n)))
  const sp = noGrad(() => logits.sigmoid())
  return {
    curve: Array.from(z.data, (v, i) => [v, s.data[i]] as const),
    predictions: picked.map((i) => ({ z: logits.data[i], s: sp.data[i], target: targets.data[i] })),
  }
}
