import { Tensor } from './tensor'
import { broadcastShapes, formatShape, sameShape, sumToShape } from './shape'

/** Every differentiable op, named after its ONNX `op_type` where it has one (export itself goes by module class: `onnx/layers.ts`). */
export type OpType =
  | 'Add' | 'Sub' | 'Mul' | 'Div' | 'Neg' | 'Pow' | 'Exp' | 'Log' | 'Abs' | 'Sqrt'
  | 'Sigmoid' | 'Relu' | 'Max' | 'Where' | 'MatMul' | 'Gemm'
  | 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'LogSoftmax' | 'Softmax'
  | 'Reshape' | 'Transpose' | 'Slice' | 'Gather' | 'Concat' | 'Expand'
  | 'NegativeLogLikelihoodLoss'
  /** The chapter's sigmoid loss fused into one op (a loss: never exported, so no ONNX name to follow). */
  | 'MnistLoss'
  | 'Conv' | 'MaxPool' | 'AveragePool' | 'GlobalAveragePool' | 'BatchNormalization' | 'Dropout'
  /** A Conv and the BatchNormalization after it as one op (ops/conv-batch-norm.ts; export writes the two layers). */
  | 'ConvBatchNormalization'

/**
 * How an op's output was made. `backward` maps the output's gradient to one gradient per input;
 * a gradient may come back in the output's (broadcast) shape — the engine sums it to the input's.
 */
export interface GradNode {
  readonly opType: OpType
  readonly inputs: readonly Tensor[]
  readonly backward: (grad: Tensor) => readonly (Tensor | null)[]
}

let gradEnabled = true

/** Whether ops record the graph right now (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled
}

/** Run `fn` without recording a graph, as `torch.no_grad()` does: for evaluation and parameter updates. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled
  gradEnabled = false
  try {
    return fn()
  } finally {
    gradEnabled = previous
  }
}

/** Attach `backward` to `out` when grad mode is on and any input needs a gradient. */
export function record(out: Tensor, opType: OpType, inputs: readonly Tensor[], backward: GradNode['backward']): Tensor {
  if (gradEnabled && inputs.some((input) => input.requiresGrad)) {
    out.requiresGrad = true
    out.gradFn = { opType, inputs, backward }
  }
  return out
}

/** Tensors reachable from `root` through the graph, each after all the tensors it was computed from. */
export function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = []
  const visited = new Set<Tensor>()
  const stack: { tensor: Tensor; expanded: boolean }[] = [{ tensor: root, expanded: false }]
  while (stack.length > 0) {
    const top = stack.pop()!
    if (top.expanded) {
      order.push(top.tensor)
      continue
    }
    if (visited.has(top.tensor)) continue
    visited.add(top.tensor)
    stack.push({ tensor: top.tensor, expanded: true })
    for (const input of top.tensor.gradFn?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push({ tensor: input, expanded: false })
    }
  }
  return order
}

/** Where each leaf that has one (see `keepGradientsIn`) gets its gradient written, instead of a new array. */
const gradientHomes = new WeakMap<Tensor, Float32Array>()

/**
 * From now on, `backward` writes `leaf`'s gradient into `home` (its size) whenever the leaf has none yet, instead
 * of a new array: an optimizer's parameters get their gradients in the same arrays step after step (in the
 * kernels' memory, where its update reads them without a copy). A gradient read after `zeroGrad` and the next
 * `backward` therefore holds the new values; copy it to keep it.
 */
export function keepGradientsIn(leaf: Tensor, home: Float32Array): void {
  if (home.length !== leaf.size) throw new Error(`a gradient home of ${home.length} values does not fit a leaf of shape ${formatShape(leaf.shape)}`)
  gradientHomes.set(leaf, home)
}

/** Whether `leaf` has a home for its gradient. */
export function hasGradientHome(leaf: Tensor): boolean {
  return gradientHomes.has(leaf)
}

/** The array `leaf`'s gradient is written into (see `keepGradientsIn`), if it has one. */
export function gradientHome(leaf: Tensor): Float32Array | undefined {
  return gradientHomes.get(leaf)
}

/** A leaf's first gradient of a pass: written into its home if it has one, else a copy. */
function firstGradient(leaf: Tensor, grad: Tensor): Tensor {
  const home = gradientHomes.get(leaf)
  if (!home) return new Tensor(grad.data.slice(), leaf.shape)
  home.set(grad.data)
  return new Tensor(home, leaf.shape)
}

/**
 * Backpropagate from a scalar: every leaf that requires a gradient gets d(root)/d(leaf) *added*
 * to its `.grad`, so gradients accumulate across calls until zeroed, as in PyTorch.
 */
export function backward(root: Tensor): void {
  if (!root.requiresGrad) throw new Error('backward() on a tensor that does not require grad (no input had requiresGrad set)')
  if (root.size !== 1) throw new Error(`backward() needs a scalar, got shape ${formatShape(root.shape)}; reduce it first (e.g. .mean())`)
  const grads = new Map<Tensor, Tensor>([[root, new Tensor(new Float32Array([1]), root.shape)]])
  const order = topologicalOrder(root)
  const leafUses = countLeafUses(order)
  const addToLeaf = (leaf: Tensor, grad: Tensor): void => {
    leaf.grad = leaf.grad ? leaf.grad.add(grad) : firstGradient(leaf, grad)
  }
  // NOTE: a tensor's gradient is dropped once its node has used it, and a leaf used once gets its gradient as
  // soon as it is computed (the same additions as at the end), so a step holds the gradients in flight, not all
  // of them at once (ResNet-18: its weights' 45 MB and every activation's gradient).
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const tensor = order[i]
      const grad = grads.get(tensor)
      if (!grad) continue
      grads.delete(tensor)
      const node = tensor.gradFn
      if (!node) {
        addToLeaf(tensor, grad)
        continue
      }
      const inputGrads = node.backward(grad)
      node.inputs.forEach((input, k) => {
        const inputGrad = inputGrads[k]
        if (!input.requiresGrad || !inputGrad) return
        const reduced = reduceToInput(inputGrad, input, node.opType)
        if (leafUses.get(input) === 1) return addToLeaf(input, reduced)
        const previous = grads.get(input)
        grads.set(input, previous ? previous.add(reduced) : reduced)
      })
    }
  })
}

/** How many times each leaf of the graph is an op's input. */
function countLeafUses(order: readonly Tensor[]): Map<Tensor, number> {
  const uses = new Map<Tensor, number>()
  for (const tensor of order) {
    for (const input of tensor.gradFn?.inputs ?? []) if (!input.gradFn) uses.set(input, (uses.get(input) ?? 0) + 1)
  }
  return uses
}

function reduceToInput(grad: Tensor, input: Tensor, opType: OpType): Tensor {
  if (sameShape(grad.shape, input.shape)) return grad
  if (!sameShape(broadcastShapes(input.shape, grad.shape), grad.shape)) {
    throw new Error(`${opType} backward produced a gradient of shape ${formatShape(grad.shape)} for an input of shape ${formatShape(input.shape)}`)
  }
  return new Tensor(sumToShape(grad.data, grad.shape, input.shape), input.shape)
}
