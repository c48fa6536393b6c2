import { OnnxModelError, formatBytes } from './errors'
import { AttributeType, DataType, ELEMENT_BYTES, dataTypeName, type GraphProto, type TensorProto, type ValueInfoProto } from './proto'

/** The most memory a model may declare (weights plus every value with a fixed shape, for one image). */
export const MAX_DECLARED_BYTES = 512 * 2 ** 20

/** Elements of a shape; a negative dimension makes the tensor damaged. */
function elementCount(dims: readonly number[], what: string): number {
  let count = 1
  for (const dim of dims) {
    if (!Number.isFinite(dim) || dim < 0) throw new OnnxModelError(`${what} has an impossible dimension ${dim}: the file is damaged`)
    count *= dim
  }
  return count
}

/** Values actually stored in a tensor's typed field (float_data, int64_data…), for checking against its shape. */
function storedValues(tensor: TensorProto): number | null {
  const fields = [tensor.floatData, tensor.int32Data, tensor.int64Data, tensor.doubleData, tensor.uint64Data, tensor.stringData]
  const used = fields.find((field) => field && field.length > 0)
  return used ? used.length : null
}

/**
 * Bytes a stored tensor (an initializer or a Constant's value) declares, after checking that what
 * it stores matches its shape. (External data was refused before, by `refuseExternalData`.)
 */
function tensorBytes(tensor: TensorProto, what: string): number {
  const type = tensor.dataType ?? 0
  const size = ELEMENT_BYTES[type] ?? 0
  const count = elementCount(tensor.dims ?? [], what)
  const bytes = count * Math.max(size, 1)
  if (bytes > MAX_DECLARED_BYTES) return bytes
  if (tensor.rawData && tensor.rawData.length > 0) {
    if (size > 0 && tensor.rawData.length !== count * size) {
      throw new OnnxModelError(`${what} is damaged: ${tensor.rawData.length} bytes for ${count} ${dataTypeName(type)} values`)
    }
  } else {
    const stored = storedValues(tensor)
    // NOTE: complex numbers take two stored values each.
    const expected = type === 14 || type === 15 ? count * 2 : count
    if (stored !== null && stored !== expected) throw new OnnxModelError(`${what} is damaged: ${stored} values stored for shape [${(tensor.dims ?? []).join(',')}]`)
    if (stored === null && count > 0) throw new OnnxModelError(`${what} declares ${count} values but stores none: the file is damaged`)
  }
  return bytes
}

/** Bytes of one value whose shape is declared, counting named (symbolic) dimensions as 1. */
function valueBytes(value: ValueInfoProto): number {
  const tensor = value.type?.tensorType
  if (!tensor?.shape?.dim) return 0
  const dims = tensor.shape.dim.map((d) => (d.dimValue !== undefined && d.dimValue > 0 ? d.dimValue : 1))
  return elementCount(dims, `value "${value.name}"`) * Math.max(ELEMENT_BYTES[tensor.elemType ?? 1] ?? 4, 1)
}

/** The values of a small int64 tensor (a shape), or null when it is not one. */
function int64Values(tensor: TensorProto): number[] | null {
  if (tensor.dataType !== DataType.INT64 || (tensor.dims ?? []).length > 1) return null
  if (tensor.int64Data && tensor.int64Data.length > 0) return tensor.int64Data.map(Number)
  const raw = tensor.rawData
  if (!raw || raw.length % 8 !== 0 || raw.length > 8 * 16) return null
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  return Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)))
}

/** Constant shapes by value name: int64 initializers and Constant nodes. */
function constantShapes(graph: GraphProto): Map<string, number[]> {
  const shapes = new Map<string, number[]>()
  for (const tensor of graph.initializer ?? []) {
    const values = int64Values(tensor)
    if (values && tensor.name) shapes.set(tensor.name, values)
  }
  for (const node of graph.node ?? []) {
    const value = node.opType === 'Constant' ? node.attribute?.find((a) => a.name === 'value')?.t : undefined
    const values = value ? int64Values(value) : null
    if (values && node.output[0]) shapes.set(node.output[0], values)
  }
  return shapes
}

/** Ops whose output size is read from a shape input: a tiny constant can ask for gigabytes at run time. */
const SHAPED_BY_INPUT: Readonly<Record<string, number>> = { ConstantOfShape: 0, Expand: 1 }

/**
 * The memory a graph declares: its weights, its Constant nodes, and every value whose shape it
 * fixes. Refuses, before anything runs, a model that would need more than `limit` (a few bytes
 * of protobuf can declare a tensor of many gigabytes) or whose stored tensors do not match their shapes.
 */
export function checkDeclaredSizes(graph: GraphProto, limit = MAX_DECLARED_BYTES): number {
  let total = 0
  const add = (bytes: number, what: string): void => {
    total += bytes
    if (total > limit) {
      throw new OnnxModelError(`the model declares ${formatBytes(total)} of tensors (${what} alone is ${formatBytes(bytes)}), over Digit Lab's ${formatBytes(limit)} limit: refused before running`)
    }
  }
  for (const tensor of graph.initializer ?? []) add(tensorBytes(tensor, `weight "${tensor.name ?? ''}"`), `weight "${tensor.name ?? ''}"`)
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      if (attribute.type === AttributeType.TENSOR && attribute.t) {
        const what = `constant "${node.output[0] ?? node.name ?? node.opType}"`
        add(tensorBytes(attribute.t, what), what)
      }
    }
  }
  const shapes = constantShapes(graph)
  for (const node of graph.node ?? []) {
    const shapeInput = SHAPED_BY_INPUT[node.opType]
    const shape = shapeInput === undefined ? undefined : shapes.get(node.input[shapeInput])
    if (shape) {
      const what = `${node.opType} "${node.output[0] ?? ''}"`
      add(elementCount(shape.map((d) => Math.max(d, 1)), what) * 4, what)
    }
  }
  for (const value of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    add(valueBytes(value), `value "${value.name}"`)
  }
  return total
}
