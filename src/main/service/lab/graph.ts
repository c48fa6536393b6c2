import { noGrad } from '../../engine/autograd'
import type { DigitDataset } from '../../engine/data/dataset'
import { Tensor } from '../../engine/tensor'
import type { CheckedElement, GraphNode, GraphReply, NodeCheck } from '../../../shared/lab'
import type { LabModel } from './lab-models'
import { imageTensor } from './images'
import { predictionStages, runStages, type Stage } from './graph-stages'
import { summarize } from './summary'

/** Half the step of the central differences. */
const EPS = 1e-3
/** Elements checked per node: those with the largest gradients, and one more anywhere. */
const CHECKED = 4

/** Every tensor the loss was computed from, leaves included, each after the tensors it was made from. */
function walk(root: Tensor): Tensor[] {
  const order: Tensor[] = []
  const seen = new Set<Tensor>()
  const visit = (t: Tensor): void => {
    if (seen.has(t)) return
    seen.add(t)
    for (const input of t.gradFn?.inputs ?? []) visit(input)
    order.push(t)
  }
  visit(root)
  return order
}

/** The target a one-image batch is scored against: 1 for the first class (one output), or the class index. */
function targetOf(label: number, binary: boolean): Tensor {
  return binary ? new Tensor(Float32Array.of(label === 0 ? 1 : 0), [1, 1]) : new Tensor(Float32Array.of(label), [1])
}

/** ∂loss/∂(stage output j): the stages after it run again from a copy that is a leaf, and backward() fills its grad. */
function gradientAt(stages: readonly Stage[], values: readonly Tensor[], j: number): Tensor {
  const leaf = values[j].detach().clone().requiresGrad_()
  const copy = values.slice(0, j + 1)
  copy[j] = leaf
  runStages(stages, copy, j).loss.backward()
  return leaf.grad!
}

/** The loss recomputed with one element of a node at another value (put back afterwards). */
interface Probe {
  readonly data: Float32Array
  loss(index: number, value: number): number
}

/** A probe that moves elements of `data` in place and recomputes the loss with `recompute`. */
function probe(data: Float32Array, recompute: () => number): Probe {
  return {
    data,
    loss(index, value) {
      const original = data[index]
      data[index] = value
      try {
        return recompute()
      } finally {
        data[index] = original
      }
    },
  }
}

/** The spacing of float32 values near v (its unit in the last place). */
const ulp = (v: number): number => 2 ** (Math.floor(Math.log2(Math.max(Math.abs(v), 2 ** -126))) - 23)

/**
 * The smallest slope a central difference of a float32 loss near `loss` judges at step EPS to a
 * few percent: the loss's rounding (half a unit in the last place at each end) over the step is
 * ulp/(2·EPS); 64 times that leaves the rounding under about 1.5% of the slope.
 */
export const resolution = (loss: number): number => (64 * ulp(loss)) / (2 * EPS)

/**
 * The magnitude that sets the float32 loss's rounding: the loss, or for mnist_loss on a first-class image
 * σ(z), which `1 − σ(z)` keeps the rounding of near 1 however small the loss. (Cross-entropy's log-softmax
 * subtracts the largest logit first: a confident prediction's loss keeps its own relative rounding.)
 */
function lossScale(loss: number, logits: Tensor, binary: boolean, first: boolean): number {
  return binary && first ? Math.max(Math.abs(loss), 1 / (1 + Math.exp(-logits.item()))) : Math.abs(loss)
}

/**
 * Central differences of the loss at the elements of a node with the largest gradients (and one
 * more), against autograd; elements at a kink or below the loss's resolution are shown, not compared.
 */
function checkNode(grad: Tensor, at: Probe, loss: number, scale: number, salt: number): NodeCheck {
  const order = Array.from(grad.data.keys()).sort((a, b) => Math.abs(grad.data[b]) - Math.abs(grad.data[a]))
  const picked = [...new Set([...order.slice(0, CHECKED - 1), (salt * 7919) % grad.size])]
  const floor = resolution(scale)
  const elements = picked.map((index): CheckedElement => {
    const middle = at.data[index]
    // NOTE: the steps actually stored (float32 neighbours of x ± eps), as the engine's gradcheck takes them.
    const [high, low] = Float32Array.of(middle + EPS, middle - EPS)
    const [plus, minus] = [at.loss(index, high), at.loss(index, low)]
    const numeric = (plus - minus) / (high - low)
    const autograd = grad.data[index]
    const [right, left] = [(plus - loss) / (high - middle), (loss - minus) / (middle - low)]
    const scale = Math.max(Math.abs(autograd), Math.abs(numeric))
    const skipped = Math.abs(right - left) > Math.max(0.1 * Math.max(Math.abs(right), Math.abs(left)), floor) ? 'kink' : scale > 0 && scale < floor ? 'resolution' : null
    return { index, autograd, numeric, relativeError: skipped ? null : scale === 0 ? 0 : Math.abs(autograd - numeric) / scale, skipped }
  })
  return { elements, worst: Math.max(0, ...elements.map((e) => e.relativeError ?? 0)) }
}

/** How many checked elements were compared, and how many could not be. */
function counts(nodes: readonly GraphNode[]): { compared: number; skipped: number } {
  const elements = nodes.flatMap((n) => n.check?.elements ?? [])
  const skipped = elements.filter((e) => e.skipped).length
  return { compared: elements.length - skipped, skipped }
}

/**
 * Panel 8: one image through a Lab model and its loss, with the graph the engine recorded walked
 * from the loss's GradNode. Each node carries its value and ∂loss/∂node; with `check`, a few
 * elements of each are compared with central finite differences of the recomputed loss.
 */
export function predictionGraph(dataset: DigitDataset, model: LabModel, ref: { split: 'train' | 'valid'; index: number }, check: boolean): Omit<GraphReply, 'image' | 'model'> {
  const started = performance.now()
  const imageSize = dataset.height * dataset.width
  const label = dataset[ref.split].labels[ref.index]
  const x = imageTensor(dataset, ref).reshape(1, 1, dataset.height, dataset.width).detach().requiresGrad_()
  const { stages, constants } = predictionStages(model.module, targetOf(label, model.binary), model.binary)
  const params = new Map(model.module.namedParameters().map(([name, t]) => [t, name]))
  for (const [name, t] of model.module.namedBuffers()) constants.set(t, name)
  for (const p of params.keys()) p.grad = null
  const { values, loss } = runStages(stages, [x])
  loss.backward()
  const leafGrads = new Map([x, ...params.keys()].map((t) => [t, t.grad!.clone()]))
  const stageOf = new Map(values.map((t, j) => [t, j]))
  const order = walk(loss)
  const ids = new Map(order.map((t, id) => [t, id]))

  const probeLeaf = (t: Tensor): Probe => probe(t.data, () => noGrad(() => runStages(stages, [x]).loss.item()))
  const probeStage = (j: number): Probe => {
    const moved = values.slice(0, j + 1)
    moved[j] = values[j].detach().clone()
    return probe(moved[j].data, () => noGrad(() => runStages(stages, moved, j).loss.item()))
  }

  const logits = values[stages.length - (model.binary ? 5 : 2)]
  const scale = lossScale(loss.item(), logits, model.binary, label === 0)
  const nodes: GraphNode[] = order.map((t, id) => {
    const j = stageOf.get(t)
    const isLeaf = !t.gradFn
    const kind: GraphNode['kind'] = t === x ? 'input' : params.has(t) ? 'parameter' : isLeaf ? 'constant' : 'op'
    const grad = kind === 'constant' ? null : isLeaf ? leafGrads.get(t)! : t === loss ? new Tensor(Float32Array.of(1), t.shape) : gradientAt(stages, values, j!)
    const at = kind === 'constant' ? null : isLeaf ? probeLeaf(t) : probeStage(j!)
    return {
      id,
      kind,
      name: t.gradFn?.opType ?? (t === x ? 'x' : (params.get(t) ?? constants.get(t) ?? (t.size === 1 ? String(t.item()) : `constant ${id}`))),
      code: j !== undefined && j > 0 ? stages[j - 1].code : kind === 'input' ? `x = ${ref.split}[${ref.index}] / 255` : '',
      inputs: (t.gradFn?.inputs ?? []).map((input) => ids.get(input)!),
      value: summarize(t, imageSize),
      grad: grad && summarize(grad, imageSize),
      check: check && grad && at ? checkNode(grad, at, loss.item(), scale, id + 1) : null,
    }
  })
  for (const p of params.keys()) p.grad = null
  const checked = nodes.filter((n) => n.check)
  const worst = checked.reduce((best, n) => (n.check!.worst > best.worst ? { worst: n.check!.worst, node: n.id } : best), { worst: 0, node: -1 })
  return {
    nodes,
    loss: loss.item(),
    prediction: model.binary ? (logits.item() > 0 ? 0 : 1) : logits.argmax(-1).item(),
    check: check ? { ...worst, ...counts(checked), eps: EPS, resolution: resolution(scale) } : null,
    milliseconds: performance.now() - started,
  }
}
