import type { ModelSpec } from '../../../shared/models'
import type { DigitDataset } from '../data/dataset'
import { fuseConvBatchNorm } from '../nn/fuse'
import { Flatten, Linear, ReLU, Sequential } from '../nn/layers'
import type { Module } from '../nn/module'
import { resnet18 } from '../nn/resnet'
import type { Random } from '../random'
import { simpleCnn } from './cnn'
import { PixelSimilarity } from './pixel-similarity'

/**
 * Build the model a spec names, for `outputs` logits (1 for the chapter's sigmoid models,
 * one per class otherwise), its conv → batch norm (→ ReLU) chains fused. Every model takes (n, 1, h, w) images in 0..1.
 */
export function createModel(spec: ModelSpec, dataset: DigitDataset, outputs: number, random: Random): Module {
  return fuseConvBatchNorm(plainModel(spec, dataset, outputs, random))
}

/** The model a spec names as a plain module tree, before any fusion. */
function plainModel(spec: ModelSpec, dataset: DigitDataset, outputs: number, random: Random): Module {
  const inputs = dataset.height * dataset.width
  switch (spec.kind) {
    case 'pixel':
      return PixelSimilarity.fit(dataset.train, dataset.labelNames.length, inputs, spec.distance)
    case 'linear': {
      const init = spec.init === 'randn' ? ({ kind: 'normal', std: 1 } as const) : ({ kind: 'pytorch' } as const)
      return new Sequential(new Flatten(), new Linear(inputs, outputs, { init, random }))
    }
    case 'simple_net':
      return new Sequential(new Flatten(), new Linear(inputs, spec.hidden, { random }), new ReLU(), new Linear(spec.hidden, outputs, { random }))
    case 'mlp': {
      const widths = [inputs, ...spec.hidden]
      const hidden = spec.hidden.flatMap((width, i) => [new Linear(widths[i], width, { random }), new ReLU()])
      return new Sequential(new Flatten(), ...hidden, new Linear(widths.at(-1)!, outputs, { random }))
    }
    case 'cnn':
      return simpleCnn(spec.channels, 1, outputs, random)
    case 'resnet18':
      return resnet18({ inChannels: 1, numClasses: outputs, random })
  }
}
