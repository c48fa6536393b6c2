import { where } from '../../engine/ops/elementwise'
import { nllLoss } from '../../engine/ops/loss'
import { AdaptiveAvgPool2d, Conv2d } from '../../engine/nn/conv'
import { plainChildren } from '../../engine/nn/fuse'
import { Flatten, Linear, ReLU, Sequential } from '../../engine/nn/layers'
import { BatchNorm2d } from '../../engine/nn/normalization'
import type { Module } from '../../engine/nn/module'
import type { Tensor } from '../../engine/tensor'

/**
 * One step of a prediction and its loss, as code the chapter would write and a function of the
 * values before it: `values[0]` is the image, `values[k + 1]` what stage k made.
 */
export interface Stage {
  readonly code: string
  readonly run: (values: readonly Tensor[]) => Tensor
}

function layerCode(layer: Module, i: number): string {
  if (layer instanceof Flatten) return i === 0 ? 'x.view(-1, 784)' : 'h.flatten(1)'
  if (layer instanceof Linear) return `h @ w${i}.T + b${i}`
  if (layer instanceof ReLU) return 'h.relu()'
  if (layer instanceof Conv2d) return `conv2d(${i === 0 ? 'x' : 'h'}, w${i}, stride=${layer.stride}, padding=${layer.padding})`
  if (layer instanceof BatchNorm2d) return `batch_norm(h, running stats ${i}, w${i}, b${i})`
  if (layer instanceof AdaptiveAvgPool2d) return 'h.mean((2, 3), keepdim=True)'
  return `layer${i}(h)`
}

/**
 * A Sequential model layer by layer, then the loss op by op: the chapter's
 * `where(t == 1, 1 − sigmoid(z), sigmoid(z)).mean()` for one output, log-softmax and NLL otherwise.
 * Every stage makes exactly one graph node, so each node can be recomputed from the ones before it.
 */
export function predictionStages(model: Module, target: Tensor, binary: boolean): { stages: Stage[]; constants: Map<Tensor, string> } {
  if (!(model instanceof Sequential)) throw new Error('the graph is drawn for models built layer after layer (linear, simple_net, an MLP, the CNN); ResNet-18’s branches are not: pick linear or simple_net')
  // NOTE: the plain layers (a fused conv → batch norm → ReLU as its three parts), so the graph shows each op the chapter would write.
  const layers = plainChildren(model).map(([, layer]) => layer)
  const stages: Stage[] = layers.map((layer, i) => ({ code: layerCode(layer, i), run: (values) => layer.forward(values[i]) }))
  const z = stages.length
  const constants = new Map<Tensor, string>([[target, 't']])
  if (binary) {
    const isFirst = target.eq(1)
    constants.set(isFirst, 't == 1')
    stages.push(
      { code: 'preds = z.sigmoid()', run: (values) => values[z].sigmoid() },
      { code: '-preds', run: (values) => values[z + 1].neg() },
      { code: '1 - preds', run: (values) => values[z + 2].add(1) },
      { code: 'where(t == 1, 1 - preds, preds)', run: (values) => where(isFirst, values[z + 3], values[z + 1]) },
      { code: 'loss = _.mean()', run: (values) => values[z + 4].mean() },
    )
  } else {
    stages.push(
      { code: 'z.log_softmax(-1)', run: (values) => values[z].logSoftmax(-1) },
      { code: 'loss = nll_loss(_, t)', run: (values) => nllLoss(values[z + 1], target) },
    )
  }
  return { stages, constants }
}

/** Run the stages after `from` on `values` (which holds the image and the outputs up to `from`); returns every value and the loss. */
export function runStages(stages: readonly Stage[], values: readonly Tensor[], from = 0): { values: Tensor[]; loss: Tensor } {
  const out = values.slice(0, from + 1)
  for (let k = from; k < stages.length; k++) out.push(stages[k].run(out))
  return { values: out, loss: out[out.length - 1] }
}
