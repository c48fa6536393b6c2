import { INPUT_NAME, LOGITS, PROBABILITIES } from './names'
import { modelChecksum } from './checksum'
import { OnnxModelError, firstLine } from './errors'
import { PRODUCER } from '../producer'
import { KEYS, METADATA_FORMAT, jsonValue, labelsFrom, metadataMap, type Preprocessing } from './metadata'
import { AttributeType, DataType, dataTypeName, decodeModel, type GraphProto, type ModelProto, type ValueInfoProto } from './proto'
import { refuseExternalData, refuseLocalFunctions } from './external-data'
import { checkDeclaredSizes } from './sizes'

/** The image size every model Digit Lab runs takes. */
export const IMAGE_SIDE = 28

/** What Digit Lab needs to know to feed a model images and read its class scores. */
export interface ModelDescription {
  /** A Digit Lab export whose checksum matched. */
  readonly ours: boolean
  readonly inputName: string
  /** A dynamic batch runs many images at once; a batch fixed at 1 runs them one by one. */
  readonly batch: 'dynamic' | 1
  /** The output the class scores are read from (`probabilities` in our exports). */
  readonly scoreOutput: string
  /** Our exports' `logits`, or null for other models. */
  readonly logitsOutput: string | null
  /** One per column of the score output; null when the file declares neither labels nor the output's width. */
  readonly labels: readonly string[] | null
  readonly preprocessing: Preprocessing | null
  readonly metadata: ReadonlyMap<string, string>
  readonly producer: string
  readonly irVersion: number
  readonly opsetVersion: number | null
  readonly declaredBytes: number
}

const refuse = (reason: string): never => {
  throw new OnnxModelError(reason)
}

function parse(bytes: Uint8Array): ModelProto {
  if (bytes.length === 0) refuse('the file is empty (0 bytes)')
  try {
    return decodeModel(bytes)
  } catch (error) {
    return refuse(`not an ONNX model, or a truncated one: it does not parse as an ONNX ModelProto (${firstLine(error)})`)
  }
}

const formatDims = (value: ValueInfoProto): string =>
  `[${(value.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? String(d.dimValue) : d.dimParam || '?')).join(',')}]`

/** Ops that run subgraphs: a Loop can run for ever, and its subgraph's sizes are not declared up front. */
const CONTROL_FLOW = new Set(['Loop', 'Scan', 'If'])

/** Refuse control flow: Digit Lab runs feed-forward classifiers, whose cost is known from the graph. */
function checkFeedForward(graph: GraphProto): void {
  for (const node of graph.node ?? []) {
    const subgraph = (node.attribute ?? []).some((a) => a.type === AttributeType.GRAPH || a.type === AttributeType.GRAPHS)
    if (CONTROL_FLOW.has(node.opType) || subgraph) refuse(`the model uses control flow (${node.opType}); Digit Lab runs feed-forward classifiers only`)
  }
}

/** Check the one image input: float32 [1|N, 1, 28, 28]. */
function checkInput(graph: GraphProto): { name: string; batch: 'dynamic' | 1 } {
  const weights = new Set((graph.initializer ?? []).map((t) => t.name))
  const inputs = (graph.input ?? []).filter((input) => !weights.has(input.name))
  if (inputs.length === 0) refuse('the model has no input')
  if (inputs.length > 1) refuse(`the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); Digit Lab feeds one image input [N,1,28,28]`)
  const input = inputs[0]
  const tensor = input.type?.tensorType
  if (!tensor) return refuse(`input "${input.name}" is not a tensor; Digit Lab feeds a float32 tensor [N,1,28,28]`)
  if (tensor.elemType !== DataType.FLOAT) refuse(`input "${input.name}" is ${dataTypeName(tensor.elemType ?? 0)}; Digit Lab feeds float32 images`)
  const dims = tensor.shape?.dim
  if (!dims) return refuse(`input "${input.name}" declares no shape; Digit Lab needs [N,1,28,28]`)
  const fixed = (i: number): number | undefined => dims[i]?.dimValue
  if (dims.length !== 4 || fixed(1) !== 1 || fixed(2) !== IMAGE_SIDE || fixed(3) !== IMAGE_SIDE) {
    refuse(`input "${input.name}" has shape ${formatDims(input)}; Digit Lab feeds [N,1,28,28] (one grayscale 28×28 digit per row)`)
  }
  const batch = fixed(0)
  if (batch !== undefined && batch > 1) refuse(`input "${input.name}" fixes its batch at ${batch}; Digit Lab needs a batch of 1 or a dynamic one`)
  return { name: input.name, batch: batch === 1 ? 1 : 'dynamic' }
}

/** A float output of rank 2 ([N, classes]); an output with no declared shape is accepted and checked when it runs. */
function isScoreOutput(value: ValueInfoProto): boolean {
  const tensor = value.type?.tensorType
  if (!tensor || tensor.elemType !== DataType.FLOAT) return false
  return !tensor.shape?.dim || tensor.shape.dim.length === 2
}

function outputWidth(value: ValueInfoProto): number | null {
  return value.type?.tensorType?.shape?.dim?.[1]?.dimValue ?? null
}

/** Verify a Digit Lab export's own promises: metadata format, checksum, labels, outputs. */
function checkOurs(bytes: Uint8Array, model: ModelProto, metadata: Map<string, string>): void {
  const format = Number(metadata.get(KEYS.format))
  if (format > METADATA_FORMAT) refuse(`the model was exported by a newer Digit Lab (metadata format ${format}); update Digit Lab to open it`)
  const checksum = metadata.get(KEYS.checksum)
  if (!checksum) refuse('a Digit Lab export without its checksum: it was edited or damaged; export it again')
  let actual: string
  try {
    actual = modelChecksum(bytes)
  } catch (error) {
    return refuse(`the file is damaged: ${firstLine(error)}`)
  }
  if (actual !== checksum) {
    refuse('the file is damaged: its contents do not match the checksum written at export (changed or corrupted since); export it again')
  }
  const labels = labelsFrom(metadata)
  if (!labels) refuse('a Digit Lab export without its labels metadata: the file is damaged')
  const names = new Set((model.graph?.output ?? []).map((o) => o.name))
  for (const name of [LOGITS, PROBABILITIES]) if (!names.has(name)) refuse(`a Digit Lab export without its "${name}" output: the file is damaged`)
}

/** Pick the output the class scores come from, and the labels of its columns. */
function chooseOutput(graph: GraphProto, metadata: Map<string, string>, ours: boolean): { score: ValueInfoProto; labels: string[] | null } {
  const outputs = graph.output ?? []
  if (outputs.length === 0) refuse('the model has no output')
  const score = ours ? outputs.find((o) => o.name === PROBABILITIES) : outputs.find(isScoreOutput)
  if (!score || !isScoreOutput(score)) {
    const found = outputs.map((o) => `"${o.name}" ${dataTypeName(o.type?.tensorType?.elemType ?? 0)} ${formatDims(o)}`).join(', ')
    return refuse(`the model has no class-score output: Digit Lab needs a float32 [N, classes] output; found ${found}`)
  }
  const width = outputWidth(score)
  if (width !== null && width < 2) refuse(`output "${score.name}" has ${width} column; a class-score output needs one column per class (2 or more)`)
  const declared = labelsFrom(metadata)
  if (ours && width !== null && declared && declared.length !== width) refuse(`the labels metadata names ${declared.length} classes but "${score.name}" has ${width} columns: the file is damaged`)
  const labels = declared && (width === null || declared.length === width) ? declared : width === null ? null : Array.from({ length: width }, (_, i) => String(i))
  return { score, labels }
}

/**
 * Read an ONNX file's bytes and decide whether Digit Lab can run it, before onnxruntime sees it:
 * it parses, declares a sane amount of memory, has one float32 [1|N,1,28,28] input and a float
 * [N, classes] output, and — for Digit Lab's own exports — its checksum matches.
 * Throws an OnnxModelError with a one-line reason otherwise.
 */
export function describeModel(bytes: Uint8Array): ModelDescription {
  const model = parse(bytes)
  const graph = model.graph
  if (!graph || !model.irVersion) return refuse('not an ONNX model: it has no graph or no IR version (random or damaged bytes)')
  refuseExternalData(model)
  refuseLocalFunctions(model)
  let metadata: Map<string, string>
  try {
    metadata = metadataMap(model.metadataProps)
  } catch (error) {
    return refuse(`the model's metadata is damaged: ${firstLine(error)}`)
  }
  const ours = model.producerName === PRODUCER || metadata.has(KEYS.format)
  if (ours) checkOurs(bytes, model, metadata)
  const declaredBytes = checkDeclaredSizes(graph)
  checkFeedForward(graph)
  const input = checkInput(graph)
  if (ours && input.name !== INPUT_NAME) refuse(`a Digit Lab export whose input is not "${INPUT_NAME}": the file is damaged`)
  const { score, labels } = chooseOutput(graph, metadata, ours)
  return {
    ours,
    inputName: input.name,
    batch: input.batch,
    scoreOutput: score.name,
    logitsOutput: ours ? LOGITS : null,
    labels,
    preprocessing: ours ? (jsonValue(metadata, KEYS.preprocessing) as Preprocessing) : null,
    metadata,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown',
    irVersion: model.irVersion,
    opsetVersion: model.opsetImport?.find((o) => !o.domain)?.version ?? null,
    declaredBytes,
  }
}
