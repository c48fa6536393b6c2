import { gradientHome } from '../autograd'
import { threads } from '../kernels'
import { NativeGraph, type OrtTensor } from '../kernels/native/binding'
import { CachedGraph } from '../kernels/native/sessions'
import { Conv2d } from '../nn/conv'
import { Linear } from '../nn/layers'
import { BatchNorm2d } from '../nn/normalization'
import type { Module } from '../nn/module'
import { Tensor } from '../tensor'
import { STEP_NAMES, emitStep, type EmittedStep, type TracedLoss } from './emit'
import { NotTraceable } from './tracer'
import './layers'

/** Sessions kept per model: each holds a pool of threads. */
const SESSIONS = 6

interface Compiled {
  readonly step: EmittedStep
  readonly session: CachedGraph
  /** Where each running statistic's new value lands before it is copied over the old. */
  readonly updated: Float32Array[]
}

const descendants = (module: Module): Module[] => [module, ...module.namedChildren().flatMap(([, child]) => descendants(child))]

/** The one-hot rows of class-index targets, or null when a target is not a class index (the per-op loss says why). */
function oneHot(targets: Float32Array, classes: number, into: Float32Array): boolean {
  into.fill(0)
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i]
    if (!Number.isInteger(target) || target < 0 || target >= classes) return false
    into[i * classes + target] = 1
  }
  return true
}

/**
 * A model's whole training step — forward, loss, backward, the batch norms' running statistics — as one
 * onnxruntime graph per batch shape and mode, traced once from the module tree and run synchronously. `run`
 * leaves the model as the per-op step would (gradients in `.grad`, running statistics updated) and returns the
 * loss, or null when this model, loss or batch cannot be traced (the caller takes the per-op step); `forward`
 * runs the forward pass alone (validation).
 */
export class TracedStep {
  private readonly compiled = new Map<string, Compiled | null>()
  private readonly batchNorms: BatchNorm2d[]
  private onehot = new Float32Array(0)
  /** Why the model cannot be traced, once a trace has failed; null while it can. */
  problem: string | null = null

  constructor(private readonly model: Module, private readonly loss: TracedLoss) {
    const modules = descendants(model)
    this.batchNorms = modules.filter((module): module is BatchNorm2d => module instanceof BatchNorm2d)
    // NOTE: measured (mnist-sample, one thread, CPU): linear 784→1 trained 20 epochs in 0.46 s op by op and 0.50–0.65 s
    // traced — one small product a step, whose zeros the per-op step skips, cannot repay a graph call; simple_net
    // (two layers) took 2.06–2.43 s traced and 2.67–2.88 op by op.
    if (modules.filter((module) => module instanceof Linear || module instanceof Conv2d).length < 2) {
      this.problem = 'a model with a single layer of weights (measured faster op by op)'
    }
  }

  /** One step on the batch (x, y); null when it cannot be traced. */
  run(x: Tensor, y: Tensor): number | null {
    if (this.problem !== null) return null
    const compiled = this.compile(x.shape, y.shape)
    if (!compiled) return null
    const { step, session } = compiled
    // gradients accumulating over several steps: the per-op step adds them
    if (step.parameters.some(({ tensor }) => tensor.grad !== null)) return null
    let targets = y.data
    if (this.loss === 'cross-entropy') {
      const length = step.targetShape[0] * step.targetShape[1]
      if (this.onehot.length !== length) this.onehot = new Float32Array(length)
      if (!oneHot(y.data, step.targetShape[1], this.onehot)) return null
      targets = this.onehot
    }
    const feeds = { ...this.feeds(compiled, x), [STEP_NAMES.targets]: session.input(STEP_NAMES.targets, targets, step.targetShape) }
    const loss = new Float32Array(1)
    const outputs: Record<string, { array: Float32Array; dims: readonly number[] }> = { [STEP_NAMES.loss]: { array: loss, dims: [] } }
    const grads = step.parameters.map(({ tensor, grad }) => {
      if (grad === null) return null
      const array = gradientHome(tensor) ?? new Float32Array(tensor.size)
      outputs[grad] = { array, dims: tensor.shape }
      return array
    })
    step.buffers.forEach(({ tensor, updated }, i) => {
      if (updated !== null) outputs[updated] = { array: compiled.updated[i], dims: tensor.shape }
    })
    session.run(feeds, outputs)
    step.parameters.forEach(({ tensor }, i) => {
      const grad = grads[i]
      if (grad) tensor.grad = new Tensor(grad, tensor.shape)
    })
    step.buffers.forEach(({ tensor, updated }, i) => {
      if (updated !== null) tensor.data.set(compiled.updated[i])
    })
    return loss[0]
  }

  /** The model's output on the batch `x` (no gradients, running statistics untouched in eval), or null when it cannot be traced. */
  forward(x: Tensor): Tensor | null {
    if (this.problem !== null) return null
    const compiled = this.compile(x.shape, null)
    if (!compiled) return null
    const { step, session } = compiled
    if (step.buffers.some(({ updated }) => updated !== null)) throw new Error('internal error: a traced forward pass updates running statistics')
    const out = new Float32Array(step.outputShape.reduce((a, b) => a * b, 1))
    session.run(this.feeds(compiled, x), { [STEP_NAMES.output]: { array: out, dims: step.outputShape } })
    return new Tensor(out, step.outputShape)
  }

  /** The batch, every parameter and every running statistic as the graph's inputs. */
  private feeds({ step, session }: Compiled, x: Tensor): Record<string, OrtTensor> {
    return {
      [STEP_NAMES.input]: session.input(STEP_NAMES.input, x.data, x.shape),
      ...Object.fromEntries(step.parameters.map(({ tensor, input }) => [input, session.input(input, tensor.data, tensor.shape)])),
      ...Object.fromEntries(step.buffers.map(({ tensor, input }) => [input, session.input(input, tensor.data, tensor.shape)])),
    }
  }

  /** The compiled graph of a step on (x, y) of these shapes — or of the forward pass alone when `yShape` is null. */
  private compile(inputShape: readonly number[], yShape: readonly number[] | null): Compiled | null {
    const modes = this.batchNorms.map((bn) => (bn.training ? 't' : 'e')).join('')
    const key = `${inputShape.join('x')}|${yShape?.join('x') ?? 'forward'}|${modes}|${threads()}`
    const cached = this.compiled.get(key)
    if (cached !== undefined) return cached
    let compiled: Compiled | null = null
    try {
      const step = emitStep(this.model, inputShape, yShape ? this.loss : null, yShape ?? [])
      const session = new CachedGraph(new NativeGraph(step.bytes, threads()))
      compiled = { step, session, updated: step.buffers.map(({ tensor }) => new Float32Array(tensor.size)) }
    } catch (error) {
      if (!(error instanceof NotTraceable)) throw error
      this.problem = error.message
    }
    // NOTE: each session holds a pool of threads: keep the last few shapes (a run has two: full and last batch).
    if (this.compiled.size >= SESSIONS) {
      const [oldest, evicted] = this.compiled.entries().next().value as [string, Compiled | null]
      this.compiled.delete(oldest)
      evicted?.session.graph.dispose()
    }
    this.compiled.set(key, compiled)
    return compiled
  }

  /** Close every session (their threads end). */
  dispose(): void {
    for (const compiled of this.compiled.values()) compiled?.session.graph.dispose()
    this.compiled.clear()
  }
}
