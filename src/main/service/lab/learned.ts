import { noGrad } from '../../engine/autograd'
import type { DigitDataset } from '../../engine/data/dataset'
import type { Module } from '../../engine/nn/module'
import type { Tensor } from '../../engine/tensor'
import type { SaliencyCheck, SaliencyReply, WeightsReply } from '../../../shared/lab'
import type { LabModel } from './lab-models'
import { imageTensor } from './images'

/** Half the step of the saliency's central differences (pixels run 0..1). */
const EPS = 1e-2
/** Pixels checked: the most salient, and a few spread over the image. */
const SALIENT = 6
const SPREAD = 4

/**
 * Panel 7: the first layer's weights as images, one per output or hidden unit (a Linear layer on the pixels)
 * or per filter (a convolution's k×k kernels); for a CNN also the output layer's weights, one row per class.
 */
export function weightImages(dataset: DigitDataset, model: LabModel, initial: Module | null): Omit<WeightsReply, 'model'> {
  const named = model.module.namedParameters()
  const [name, weight] = named[0]
  const conv = weight.shape.length === 4
  const rows = weight.shape[0]
  // NOTE: a grayscale model's filters have one input channel; with more, each image is the first channel's kernel.
  const width = conv ? weight.shape[3] : weight.shape[1] === dataset.height * dataset.width ? dataset.width : weight.shape[1]
  const size = conv ? weight.shape[2] * weight.shape[3] : weight.shape[1]
  const stride = weight.size / rows
  const biasName = name.replace(/weight$/, 'bias')
  const bias = named.find(([n]) => n === biasName)?.[1] ?? null
  const spec = model.config.model.kind
  const output = spec === 'simple_net' ? named[2][1] : null
  const start = model.trained || model.steps > 0 ? (initial?.namedParameters()[0][1].data ?? null) : null
  const change = start ? weight.data.map((w, i) => w - start[i]) : null
  const title = (r: number): string =>
    conv ? `filter ${r}` : spec !== 'linear' ? `#${r}` : rows === 1 ? `${dataset.labelNames[0]} (+) against ${dataset.labelNames.slice(1).join(', ')} (−)` : `class ${dataset.labelNames[r]}`
  return {
    name,
    width,
    images: Array.from({ length: rows }, (_, r) => ({
      title: title(r),
      values: Array.from(weight.data.subarray(r * stride, r * stride + size)),
      change: change && Array.from(change.subarray(r * stride, r * stride + size)),
      bias: bias ? bias.data[r] : null,
      // NOTE: with one output the vote is the output layer's weight; with several, the first class's.
      vote: output ? output.data[r] : null,
    })),
    limit: largest(weight.data),
    changeLimit: change ? largest(change) : 0,
    output: conv ? outputLayer(dataset, named) : null,
  }
}

/** The largest magnitude among values. */
function largest(values: Float32Array): number {
  let limit = 0
  for (const v of values) limit = Math.max(limit, Math.abs(v))
  return limit
}

/** A convolutional model's last Linear layer: each class's weight on each feature the pooling left. */
function outputLayer(dataset: DigitDataset, named: [string, Tensor][]): WeightsReply['output'] {
  const found = named.findLast(([, t]) => t.shape.length === 2)
  if (!found) return null
  const [name, weight] = found
  const [classes, features] = weight.shape
  const titles = classes === 1 ? [`${dataset.labelNames[0]} (+)`] : Array.from({ length: classes }, (_, c) => dataset.labelNames[c] ?? String(c))
  return { name, titles, features, values: Array.from(weight.data), limit: largest(weight.data) }
}

/** The predicted class of one image and its score: the logit of that class, or ±z for one output. */
function scoreOf(model: LabModel, x: Tensor): { prediction: number; score: Tensor; name: string } {
  const out = model.module.forward(x)
  if (model.binary) {
    const first = out.item() > 0
    return { prediction: first ? 0 : 1, score: first ? out.sum() : out.neg().sum(), name: first ? 'z' : '−z' }
  }
  const prediction = noGrad(() => out.argmax(-1).item())
  return { prediction, score: out.index(0).index(prediction), name: `logit of class ${prediction}` }
}

/**
 * Panel 7: saliency, ∂(predicted score)/∂pixels by autograd, checked at a few pixels against
 * central differences of the score (which, unlike a loss, does not saturate).
 */
export function saliency(dataset: DigitDataset, model: LabModel, ref: { split: 'train' | 'valid'; index: number }): Omit<SaliencyReply, 'image' | 'model'> {
  const x = imageTensor(dataset, ref).reshape(1, 1, dataset.height, dataset.width).detach().requiresGrad_()
  const params = model.module.parameters()
  const { prediction, score, name } = scoreOf(model, x)
  score.backward()
  for (const p of params) p.grad = null
  const grad = x.grad!.data
  const at = (pixel: number, value: number): number => {
    const original = x.data[pixel]
    x.data[pixel] = value
    const out = noGrad(() => model.module.forward(x))
    x.data[pixel] = original
    return model.binary ? (prediction === 0 ? out.item() : -out.item()) : out.data[prediction]
  }
  const order = Array.from(grad.keys()).sort((a, b) => Math.abs(grad[b]) - Math.abs(grad[a]))
  const spread = Array.from({ length: SPREAD }, (_, k) => Math.floor(((k + 0.5) * grad.length) / SPREAD))
  const checks: SaliencyCheck[] = [...new Set([...order.slice(0, SALIENT), ...spread])].map((pixel) => {
    const middle = x.data[pixel]
    const [high, low] = Float32Array.of(middle + EPS, middle - EPS)
    const [plus, minus, here] = [at(pixel, high), at(pixel, low), score.item()]
    const numeric = (plus - minus) / (high - low)
    const [right, left] = [(plus - here) / (high - middle), (here - minus) / (middle - low)]
    const kink = Math.abs(right - left) > Math.max(1e-3, 0.05 * Math.max(Math.abs(right), Math.abs(left)))
    return { pixel, autograd: grad[pixel], numeric, kink }
  })
  const worstAbsolute = Math.max(0, ...checks.filter((c) => !c.kink).map((c) => Math.abs(c.autograd - c.numeric)))
  return { prediction, score: { name, value: score.item() }, saliency: Array.from(grad), check: { eps: EPS, pixels: checks, worstAbsolute } }
}
