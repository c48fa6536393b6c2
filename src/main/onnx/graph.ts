import { AttributeType, DataType, type AttributeProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto'

/** A node attribute, typed as ONNX types it (a JS number alone cannot say int or float). */
export type Attribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }

export const attr = {
  int: (value: number): Attribute => ({ kind: 'int', value }),
  float: (value: number): Attribute => ({ kind: 'float', value }),
  ints: (value: readonly number[]): Attribute => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): Attribute => ({ kind: 'floats', value }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
}

function attributeProto(name: string, attribute: Attribute): AttributeProto {
  switch (attribute.kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: attribute.value }
    case 'float':
      return { name, type: AttributeType.FLOAT, f: attribute.value }
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...attribute.value] }
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...attribute.value] }
    case 'string':
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(attribute.value) }
  }
}

/** Little-endian bytes of a typed array (ONNX `raw_data` is little-endian on every platform). */
function littleEndianBytes(values: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(values.byteLength)
  const view = new DataView(bytes.buffer)
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(i * 4, v, true))
  else values.forEach((v, i) => view.setBigInt64(i * 8, v, true))
  return bytes
}

/** A tensor type with a shape whose dimensions are numbers or named symbols (`'N'`). */
export function tensorValueInfo(name: string, dims: readonly (number | string)[], docString?: string): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } }, ...(docString ? { docString } : {}) }
}

/**
 * Builds an ONNX graph one node at a time. Every value gets a unique name; `node` returns its
 * output's name so exporters chain calls the way the forward pass chains ops.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = []
  private readonly initializers: TensorProto[] = []
  private readonly used = new Set<string>()
  private counter = 0

  /** Reserve `name`, or `name_1`, `name_2`… when it is taken. */
  private unique(name: string): string {
    let candidate = name
    while (this.used.has(candidate)) candidate = `${name}_${++this.counter}`
    this.used.add(candidate)
    return candidate
  }

  /** Reserve a name that must be used exactly as given (a graph input or output). */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX value "${name}" is already defined`)
    this.used.add(name)
    return name
  }

  /** A float32 constant (weights, class means), stored as raw little-endian bytes. */
  floats(name: string, values: Float32Array, dims: readonly number[]): string {
    const unique = this.unique(name)
    this.initializers.push({ name: unique, dataType: DataType.FLOAT, dims: [...dims], rawData: littleEndianBytes(values) })
    return unique
  }

  /** An int64 constant (shapes for Reshape, axes). */
  int64s(name: string, values: readonly number[]): string {
    const unique = this.unique(name)
    const raw = littleEndianBytes(BigInt64Array.from(values, (v) => BigInt(v)))
    this.initializers.push({ name: unique, dataType: DataType.INT64, dims: [values.length], rawData: raw })
    return unique
  }

  /** Add a node with one output (named after `hint`, or its op type) and return that output's name. */
  node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, Attribute>> = {}, hint = opType): string {
    return this.nodeOutputs(opType, inputs, attributes, [hint])[0]
  }

  /** Add a node with one output per hint (MaxPool's values and indices) and return their names. */
  nodeOutputs(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, Attribute>>, hints: readonly string[]): string[] {
    const outputs = hints.map((hint) => this.unique(hint))
    this.nodes.push({
      name: this.unique(`${hints[0]}_node`),
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([name, value]) => attributeProto(name, value)),
    })
    return outputs
  }

  /** Give the value a node produced a new name (e.g. the last layer's output becomes `logits`). */
  rename(value: string, name: string): string {
    const producer = this.nodes.find((node) => node.output.includes(value))
    if (!producer) throw new Error(`cannot rename "${value}": no node produces it`)
    this.reserve(name)
    producer.output = producer.output.map((o) => (o === value ? name : o))
    for (const node of this.nodes) node.input = node.input.map((i) => (i === value ? name : i))
    return name
  }

  /** The finished graph. */
  build(name: string, inputs: ValueInfoProto[], outputs: ValueInfoProto[], docString?: string): GraphProto {
    return { name, node: this.nodes, initializer: this.initializers, input: inputs, output: outputs, ...(docString ? { docString } : {}) }
  }
}
