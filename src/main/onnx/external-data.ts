import { OnnxModelError } from './errors'
import { EXTERNAL_DATA, type ModelProto } from './proto'

/** A TensorProto as decoded, with the two fields that point at another file. */
interface TensorFields {
  readonly name?: string
  readonly dataLocation?: number
  readonly externalData?: readonly { key?: string; value?: string }[]
}

const isMessage = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)

/** Whether a decoded message is a tensor that keeps its values in another file (either mark counts). */
function external(message: Record<string, unknown>): boolean {
  const tensor = message as TensorFields
  return tensor.dataLocation === EXTERNAL_DATA || (Array.isArray(tensor.externalData) && tensor.externalData.length > 0)
}

/**
 * Refuse a model in which any tensor keeps its values in another file: onnxruntime would open that
 * file by a name the model chooses (relative to the working folder when loading from bytes).
 *
 * NOTE: one walk over every message of the decoded model, not a list of places: only TensorProto has
 * `data_location` and `external_data`, so initializers, sparse initializers' values and indices,
 * attribute tensors and tensor lists, sparse attributes, subgraphs of If/Loop/Scan at any depth,
 * local functions and training graphs are all covered, and so is any place a later schema adds.
 */
export function refuseExternalData(model: ModelProto): void {
  const stack: [unknown, string][] = [[model, 'model']]
  while (stack.length > 0) {
    const [value, path] = stack.pop()!
    if (Array.isArray(value)) {
      // Arrays of numbers or bytes (a tensor's values) hold no message: look at the first element only.
      if (value.length > 0 && isMessage(value[0])) for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}[${i}]`])
      continue
    }
    if (!isMessage(value)) continue
    if (external(value)) {
      const tensor = value as TensorFields
      const location = tensor.externalData?.find((entry) => entry.key === 'location')?.value
      const named = tensor.name ? `tensor "${tensor.name}"` : 'a tensor'
      throw new OnnxModelError(
        `${named} (at ${path.replace(/^model\./, '')}) keeps its values in an external file${location ? ` (${JSON.stringify(location.slice(0, 100))})` : ''}; ` +
          'Digit Lab opens only self-contained models: save the model with its weights inside',
      )
    }
    for (const key of Object.keys(value).reverse()) stack.push([value[key], `${path}.${key}`])
  }
}

/**
 * Refuse local functions (`ModelProto.functions`): onnxruntime runs a function's nodes in place of a
 * node that calls it, so control flow or tensors could hide in them — and the schema Digit Lab reads
 * (IR 8) cannot see a function's attribute defaults (`attribute_proto`, IR 9), where a tensor with
 * external data could hide from the walk above.
 */
export function refuseLocalFunctions(model: { functions?: readonly { name?: string }[] }): void {
  const functions = model.functions ?? []
  if (functions.length === 0) return
  throw new OnnxModelError(
    `the model defines ${functions.length} local function(s) (${functions.map((f) => JSON.stringify(f.name ?? '')).slice(0, 3).join(', ')}); ` +
      'Digit Lab runs plain graphs only: inline them first (onnx.inliner.inline_local_functions)',
  )
}
