import type { DigitDataset, ImageDataset } from '../../engine/data/dataset'
import { SGD } from '../../engine/optim/sgd'
import { Random } from '../../engine/random'
import type { Tensor } from '../../engine/tensor'
import type { StepReply, WeightUpdate } from '../../../shared/lab'
import type { LabModel } from './lab-models'
import { lossOf, splitDataset, validate } from './evaluate'

/** Weights shown per step: those with the largest gradients. */
const SHOWN = 4

/** The last step, before the api's reply adds the images and the model's status. */
export type StepDetail = Omit<StepReply, 'model' | 'images' | 'milliseconds'> & { readonly rows: Int32Array }

/**
 * Panel 6: a Lab model trained one mini-batch at a time by hand — the Learner's step (forward,
 * loss, backward, SGD's p −= lr·grad, zero_grad) on batches drawn as a training run with the
 * model's seed draws them, epoch after epoch.
 */
export class ModelStepper {
  readonly #train: ImageDataset
  readonly #order: Random
  #rows: Int32Array = new Int32Array(0)
  #batch = 0
  #epoch = -1
  #batchSize = 0
  #accuracy: number
  readonly #history: { loss: number; accuracy: number }[] = []

  constructor(private readonly dataset: DigitDataset, private readonly model: LabModel) {
    this.#train = splitDataset(dataset, 'train', model)
    // NOTE: the shuffle seed createLearner draws after the model's fork, so the batches are a training run's.
    const random = new Random(model.config.seed)
    random.fork()
    this.#order = new Random(random.nextUint32())
    this.#accuracy = validate(dataset, model).accuracy
  }

  /** Take one step on the next mini-batch of `batchSize` (a new size starts a new epoch). */
  step(lr: number, batchSize: number): StepDetail {
    const rows = this.#nextRows(batchSize)
    const { x, y } = this.#train.batch(rows)
    const module = this.model.module
    module.train()
    const params = module.parameters()
    const opt = new SGD(params, lr)
    opt.zeroGrad()
    const loss = lossOf(this.model)(module.forward(x), y)
    loss.backward()
    const [weightName, weight] = module.namedParameters()[0]
    const gradient = largestRow(weight.grad!, weightName)
    const shown = shownWeights(module.namedParameters(), gradient.row)
    const before = shown.map(({ tensor, index }) => tensor.data[index])
    const grads = shown.map(({ tensor, index }) => tensor.grad!.data[index])
    opt.step()
    opt.zeroGrad()
    module.eval()
    const updates: WeightUpdate[] = shown.map(({ name, tensor, index }, k) => ({ name, index, before: before[k], grad: grads[k], after: tensor.data[index] }))
    const accuracy = { before: this.#accuracy, after: validate(this.dataset, this.model).accuracy }
    this.#accuracy = accuracy.after
    this.#history.push({ loss: loss.item(), accuracy: accuracy.after })
    this.model.steps++
    return {
      epoch: this.#epoch,
      batch: this.#batch - 1,
      batches: Math.ceil(this.#train.length / batchSize),
      loss: loss.item(),
      lr,
      gradient,
      updates,
      accuracy,
      history: [...this.#history],
      rows,
    }
  }

  #nextRows(batchSize: number): Int32Array {
    const n = this.#train.length
    if (batchSize !== this.#batchSize || this.#batch * batchSize >= n) {
      this.#rows = this.#order.permutation(n)
      this.#epoch++
      this.#batch = 0
      this.#batchSize = batchSize
    }
    const start = this.#batch++ * batchSize
    return this.#rows.slice(start, Math.min(n, start + batchSize))
  }
}

/** The row of a (rows, pixels) gradient with the largest norm: the output or hidden unit this batch moves most. */
function largestRow(grad: Tensor, name: string): StepReply['gradient'] {
  const [rows, width] = grad.shape
  let [best, bestNorm] = [0, -1]
  for (let r = 0; r < rows; r++) {
    let norm = 0
    for (let j = 0; j < width; j++) norm += grad.data[r * width + j] ** 2
    if (norm > bestNorm) [best, bestNorm] = [r, norm]
  }
  return { name, row: best, rows, values: Array.from(grad.data.subarray(best * width, (best + 1) * width)) }
}

/** The first layer's weights in `row` with the largest gradients, and that row's bias. */
function shownWeights(named: readonly [string, Tensor][], row: number): { name: string; tensor: Tensor; index: number }[] {
  const [[weightName, weight], [biasName, bias]] = named
  const width = weight.shape[1]
  const grad = weight.grad!.data.subarray(row * width, (row + 1) * width)
  const order = Array.from(grad.keys()).sort((a, b) => Math.abs(grad[b]) - Math.abs(grad[a]))
  return [
    ...order.slice(0, SHOWN).map((j) => ({ name: weightName, tensor: weight, index: row * width + j })),
    { name: biasName, tensor: bias, index: row },
  ]
}
