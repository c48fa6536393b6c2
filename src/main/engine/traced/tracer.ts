import { GraphBuilder, attr, tensorValueInfo, type Attribute } from '../../onnx/graph'
import type { GraphProto, ValueInfoProto } from '../../onnx/proto'

/** A value of the graph being traced: its ONNX name and its shape, known while tracing (a batch shape is fixed). */
export interface Value {
  readonly name: string
  readonly shape: readonly number[]
}

/** Thrown when a model holds something the traced step cannot emit; the caller falls back to the per-op step. */
export class NotTraceable extends Error {
  constructor(what: string) {
    super(`the traced step cannot emit ${what}`)
    this.name = 'NotTraceable'
  }
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/**
 * Records a forward pass as ONNX nodes and, as micrograd does with closures, a backward emitter per op; `backward`
 * walks them in reverse, adding each value's gradient contributions (an Add node where a value feeds two ops).
 */
export class Tracer {
  readonly graph = new GraphBuilder()
  private readonly tape: (() => void)[] = []
  private readonly grads = new Map<string, Value>()
  private readonly differentiable = new Set<string>()
  private readonly inputInfos: ValueInfoProto[] = []
  private readonly outputInfos: ValueInfoProto[] = []

  /** A graph input named exactly `name`; `differentiable` when gradients flow back to it (a parameter). */
  input(name: string, shape: readonly number[], differentiable = false): Value {
    this.graph.reserve(name)
    this.inputInfos.push(tensorValueInfo(name, shape))
    if (differentiable) this.differentiable.add(name)
    return { name, shape }
  }

  /** `value` as the graph output named exactly `name`. */
  output(value: Value, name: string): void {
    this.graph.rename(this.graph.node('Identity', [value.name], {}, `${name}_out`), name)
    this.outputInfos.push(tensorValueInfo(name, value.shape))
  }

  /** One node; its output is differentiable when an input is. */
  op(opType: string, inputs: readonly (Value | string)[], shape: readonly number[], attributes: Readonly<Record<string, Attribute>> = {}, hint = opType): Value {
    const names = inputs.map((input) => (typeof input === 'string' ? input : input.name))
    const name = this.graph.node(opType, names, attributes, hint)
    if (names.some((input) => this.differentiable.has(input))) this.differentiable.add(name)
    return { name, shape }
  }

  /** A float32 constant. */
  constant(values: readonly number[], dims: readonly number[], hint = 'constant'): Value {
    return { name: this.graph.floats(hint, Float32Array.from(values), dims), shape: dims }
  }

  /** An int64 constant (shapes, axes). */
  ints(values: readonly number[], hint = 'ints'): string {
    return this.graph.int64s(hint, values)
  }

  /** Gradients flow back to `value` (a node added straight on `graph` with more than one output). */
  markDifferentiable(value: Value): void {
    this.differentiable.add(value.name)
  }

  /** Whether gradients flow back to `value` (it depends on a parameter). */
  needsGrad(value: Value): boolean {
    return this.differentiable.has(value.name)
  }

  /** Register the gradient emitter of the op just traced; it runs during `backward`, in reverse order. */
  onBackward(emit: () => void): void {
    this.tape.push(emit)
  }

  /** The gradient of `value` so far, or null when nothing flowed back to it. */
  grad(value: Value): Value | null {
    return this.grads.get(value.name) ?? null
  }

  /** Add `grad` to `value`'s gradient (d of a value used twice is the sum of both uses'). */
  addGrad(value: Value, grad: Value): void {
    if (!this.needsGrad(value)) return
    if (grad.shape.join('x') !== value.shape.join('x')) {
      throw new Error(`internal error: gradient of shape [${grad.shape}] for ${value.name} of shape [${value.shape}]`)
    }
    const previous = this.grads.get(value.name)
    this.grads.set(value.name, previous ? this.op('Add', [previous, grad], value.shape, {}, 'grad_sum') : grad)
  }

  /** Emit the backward pass from the scalar `loss` (seeded with 1). */
  backward(loss: Value): void {
    this.grads.set(loss.name, this.constant([1], loss.shape, 'seed'))
    for (let i = this.tape.length - 1; i >= 0; i--) this.tape[i]()
  }

  build(name: string): GraphProto {
    return this.graph.build(name, this.inputInfos, this.outputInfos)
  }
}

/** ONNX attributes shared by the emitters. */
export const axes = (tracer: Tracer, values: readonly number[]): string => tracer.ints(values, 'axes')
export const keep = (on: boolean): Record<string, Attribute> => ({ keepdims: attr.int(on ? 1 : 0) })
