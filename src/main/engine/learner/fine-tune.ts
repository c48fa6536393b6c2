import type { FineTune } from '../../../shared/training'
import { Conv2d } from '../nn/conv'
import { plainChildren } from '../nn/fuse'
import { Sequential } from '../nn/layers'
import type { Module } from '../nn/module'
import { BatchNorm2d } from '../nn/normalization'
import type { Tensor } from '../tensor'
import type { Learner, LearnerCallback } from './learner'
import { oneCycleAt } from './schedule'

/**
 * A model's parameters in groups from the input to the output, as fastai's splitters make them: one group per
 * convolution stage of the body (a stage starts at each Conv2d), and the head (what `headPrefix` names) last.
 */
export function parameterGroups(model: Module, headPrefix: string): Tensor[][] {
  const named = model.namedParameters()
  const head = named.filter(([name]) => name.startsWith(headPrefix)).map(([, t]) => t)
  const body: Tensor[][] = []
  if (model instanceof Sequential) {
    plainChildren(model).forEach(([name, layer]) => {
      if (`${name}.` === headPrefix) return
      const params = layer.parameters()
      if (params.length === 0) return
      if (layer instanceof Conv2d || body.length === 0) body.push([])
      body.at(-1)!.push(...params)
    })
  } else {
    body.push(named.filter(([name]) => !name.startsWith(headPrefix)).map(([, t]) => t))
  }
  return [...body.filter((group) => group.length > 0), head]
}

/** Every batch norm of a model. */
function batchNorms(module: Module): BatchNorm2d[] {
  return module.namedChildren().flatMap(([, child]) => (child instanceof BatchNorm2d ? [child] : batchNorms(child)))
}

/**
 * fastai's discriminative learning rates over `groups` groups (`slice(lr/lrMult, lr)`): the last (head) at 1,
 * the first at 1/lrMult, the ones between spread evenly on a log scale.
 */
export function discriminativeScales(groups: number, lrMult: number): number[] {
  if (groups === 1) return [1]
  return Array.from({ length: groups }, (_, g) => lrMult ** (-(groups - 1 - g) / (groups - 1)))
}

/**
 * fastai's `fine_tune` as one `fit` call (so progress counts every epoch of the run): for the first
 * `freezeEpochs` only the head learns (the body's learning rate is 0: its weights do not move), one cycle
 * peaking at `lr` that warms up for 99% of it; then every group learns at its discriminative rate, one cycle
 * peaking at lr/2 with a 30% warm-up from a fifth of that. With `bn: 'frozen'` every batch norm normalises by
 * the starting point's statistics (eval mode) for the whole run and its weights learn with their group only
 * after the freeze; with `bn: 'train'` (fastai's train_bn) batch norms learn throughout, frozen body or not.
 * A run continued later (epochs already done) is past its freeze and trains every group.
 */
export function fineTuneScheduler(learner: Learner, epochs: number, lr: number, options: FineTune, headPrefix: string): LearnerCallback {
  const groups = parameterGroups(learner.model, headPrefix)
  const norms = batchNorms(learner.model)
  const normParams = new Set(norms.flatMap((bn) => bn.parameters()))
  const index = new Map(learner.opt.params.map((param, i) => [param, i]))
  const discriminative = discriminativeScales(groups.length, options.lrMult)
  let firstEpoch = 0
  let freeze = 0
  let phase: 'frozen' | 'unfrozen' | null = null
  const scales = (frozen: boolean): number[] => {
    const out = learner.opt.params.map(() => 1)
    groups.forEach((group, g) => {
      for (const param of group) {
        const trainBn = normParams.has(param) && options.bn === 'train'
        // NOTE: while frozen, a body batch norm that trains does so at a tenth of the head's rate (fastai's slice(lr)).
        out[index.get(param)!] = !frozen ? discriminative[g] : g === groups.length - 1 ? 1 : trainBn ? 0.1 : 0
      }
    })
    return out
  }
  const apply = (epoch: number, batch: number, batches: number): void => {
    const e = epoch - firstEpoch
    const frozen = e < freeze
    const [done, total] = frozen ? [e * batches + batch, freeze * batches] : [(e - freeze) * batches + batch, (epochs - freeze) * batches]
    const at = frozen ? oneCycleAt(done / Math.max(1, total), lr, { pctStart: 0.99 }) : oneCycleAt(done / Math.max(1, total), lr / 2, { pctStart: 0.3, div: 5 })
    if (phase !== (frozen ? 'frozen' : 'unfrozen')) {
      phase = frozen ? 'frozen' : 'unfrozen'
      learner.opt.lrScales = scales(frozen)
    }
    learner.opt.lr = at.lr
    if (learner.opt.momentum > 0) learner.opt.momentum = at.momentum
  }
  return {
    beforeFit(l) {
      firstEpoch = l.epochsDone
      freeze = Math.max(0, Math.min(epochs, options.freezeEpochs - firstEpoch))
      for (const bn of norms) bn.statsFrozen = options.bn === 'frozen'
      phase = null
      apply(firstEpoch, 0, 1)
    },
    beforeBatch(_l, { epoch, batch, batches }) {
      apply(epoch, batch, batches)
    },
    afterFit(l) {
      for (const bn of norms) bn.statsFrozen = false
      l.opt.lrScales = []
    },
  }
}
