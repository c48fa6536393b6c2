import protobuf from 'protobufjs/light.js'
import schema from './onnx-schema.json'

/**
 * The ONNX protobuf messages, through protobufjs and the official schema (`onnx.proto`, copied from
 * the onnx package and turned into `onnx-schema.json` by `scripts/onnx-schema.mjs`). Importing the JSON
 * descriptor works the same under tsx, vitest and the Vite bundle. Field names are protobufjs's
 * camelCase of the schema's (`raw_data` → `rawData`).
 */
const root = protobuf.Root.fromJSON(schema as protobuf.INamespace)
const ModelProtoType = root.lookupType('onnx.ModelProto')

/** `TensorProto.DataType` values Digit Lab reads or writes. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, DOUBLE: 11 } as const

/** Bytes per element of each `TensorProto.DataType` (0 where the size is not fixed, e.g. STRING). */
export const ELEMENT_BYTES: Readonly<Record<number, number>> = {
  1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 8: 0, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 14: 8, 15: 16, 16: 2,
}

/** A readable name for a `TensorProto.DataType` value. */
export function dataTypeName(type: number): string {
  const names: Record<number, string> = {
    1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
    9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
  }
  return names[type] ?? `data type ${type}`
}

/** `AttributeProto.AttributeType` values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, GRAPHS: 10 } as const

/** `TensorProto.DataLocation.EXTERNAL`: the values live in another file. */
export const EXTERNAL_DATA = 1

export interface TensorProto {
  name?: string
  dims?: number[]
  dataType?: number
  rawData?: Uint8Array
  floatData?: number[]
  int32Data?: number[]
  int64Data?: number[]
  doubleData?: number[]
  uint64Data?: number[]
  stringData?: Uint8Array[]
  dataLocation?: number
}

export interface AttributeProto {
  name: string
  type: number
  f?: number
  i?: number
  s?: Uint8Array
  t?: TensorProto
  floats?: number[]
  ints?: number[]
  g?: GraphProto
}

export interface NodeProto {
  name?: string
  opType: string
  domain?: string
  input: string[]
  output: string[]
  attribute?: AttributeProto[]
}

export interface Dimension {
  dimValue?: number
  dimParam?: string
}

export interface TypeProto {
  tensorType?: { elemType?: number; shape?: { dim?: Dimension[] } }
}

export interface ValueInfoProto {
  name: string
  type?: TypeProto
  docString?: string
}

export interface GraphProto {
  name?: string
  node?: NodeProto[]
  initializer?: TensorProto[]
  input?: ValueInfoProto[]
  output?: ValueInfoProto[]
  valueInfo?: ValueInfoProto[]
  docString?: string
}

export interface StringEntry {
  key: string
  value: string
}

export interface ModelProto {
  irVersion?: number
  opsetImport?: { domain?: string; version: number }[]
  producerName?: string
  producerVersion?: string
  domain?: string
  modelVersion?: number
  docString?: string
  graph?: GraphProto
  metadataProps?: StringEntry[]
  /** Local functions: refused on load (`external-data.ts`). */
  functions?: { name?: string; node?: NodeProto[] }[]
}

/** Serialize a model with the ONNX schema; throws when the object does not fit the schema. */
export function encodeModel(model: ModelProto): Uint8Array {
  const problem = ModelProtoType.verify(model)
  if (problem) throw new Error(`the ONNX model does not fit the schema: ${problem}`)
  return ModelProtoType.encode(ModelProtoType.fromObject(model)).finish()
}

/** Parse ONNX bytes into plain objects (int64 as numbers); throws on bytes that are not a ModelProto. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const message = ModelProtoType.decode(bytes)
  return ModelProtoType.toObject(message, { longs: Number, enums: Number, arrays: true }) as ModelProto
}

/**
 * The model re-serialized by protobufjs in its canonical field order, with one metadata entry and
 * the graph's `value_info` left out: what an export's checksum covers. Other tools that rewrite a
 * file without changing it — onnx's shape inference, which adds `value_info` (and which onnx 1.12's
 * `check_model(path, full_check=True)` saves back into the file), or `onnx.save` with C++ field
 * order — leave these bytes as they were; any change to a weight, node, attribute, opset or other
 * metadata does not. Throws on bytes that are not a ModelProto.
 */
export function canonicalModelBytes(bytes: Uint8Array, withoutMetadataKey: string): Uint8Array {
  const message = ModelProtoType.decode(bytes) as protobuf.Message & { metadataProps?: StringEntry[]; graph?: { valueInfo?: unknown[] } | null }
  message.metadataProps = (message.metadataProps ?? []).filter((entry) => entry.key !== withoutMetadataKey)
  if (message.graph) message.graph.valueInfo = []
  return ModelProtoType.encode(message).finish()
}
