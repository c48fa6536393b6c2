/**
 * The safetensors container (huggingface/safetensors): 8 bytes of little-endian header length, a
 * JSON header naming each tensor's dtype, shape and byte range, optional `__metadata__` strings,
 * then the tensors' bytes, contiguous. Python reads these files with `safetensors.safe_open`.
 */

export type StoredTensor =
  | { readonly dtype: 'F32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'F64'; readonly shape: readonly number[]; readonly data: Float64Array }

export interface Safetensors {
  readonly tensors: ReadonlyMap<string, StoredTensor>
  readonly metadata: Readonly<Record<string, string>>
}

/** A header larger than this is not parsed (a project's header is a few kilobytes plus its history). */
const MAX_HEADER_BYTES = 64 * 2 ** 20
const BYTES = { F32: 4, F64: 8 } as const
const METADATA = '__metadata__'

interface HeaderEntry {
  readonly dtype: string
  readonly shape: number[]
  readonly data_offsets: [number, number]
}

/**
 * The bytes of a safetensors file holding `tensors` (F64 first, so every tensor is naturally
 * aligned). `metadata` may be computed from the finished data bytes (a checksum over them).
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, StoredTensor>,
  metadata: Readonly<Record<string, string>> | ((data: Uint8Array) => Readonly<Record<string, string>>),
): Uint8Array {
  const ordered = [...tensors].sort(([, a], [, b]) => BYTES[b.dtype] - BYTES[a.dtype])
  const entries: Record<string, HeaderEntry> = {}
  let offset = 0
  for (const [name, tensor] of ordered) {
    if (name === METADATA) throw new Error(`"${METADATA}" cannot name a tensor`)
    const count = tensor.shape.reduce((n, d) => n * d, 1)
    if (count !== tensor.data.length) throw new Error(`tensor "${name}" has ${tensor.data.length} values for shape [${tensor.shape.join(', ')}]`)
    const end = offset + tensor.data.length * BYTES[tensor.dtype]
    entries[name] = { dtype: tensor.dtype, shape: [...tensor.shape], data_offsets: [offset, end] }
    offset = end
  }
  const data = new Uint8Array(offset)
  const view = new DataView(data.buffer)
  for (const [name, tensor] of ordered) {
    const start = entries[name].data_offsets[0]
    if (tensor.dtype === 'F32') tensor.data.forEach((value, i) => view.setFloat32(start + i * 4, value, true))
    else tensor.data.forEach((value, i) => view.setFloat64(start + i * 8, value, true))
  }
  const meta = typeof metadata === 'function' ? metadata(data) : metadata
  const json = JSON.stringify({ [METADATA]: meta, ...entries })
  const encoded = new TextEncoder().encode(json)
  // NOTE: the header is padded with spaces (as the format allows) so the data starts 8-byte aligned.
  const headerLength = encoded.length + ((8 - (encoded.length % 8)) % 8)
  const out = new Uint8Array(8 + headerLength + data.length).fill(0x20, 8, 8 + headerLength)
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true)
  out.set(encoded, 8)
  out.set(data, 8 + headerLength)
  return out
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

/** Check one header entry against the buffer; returns it typed, or throws saying what is wrong. */
function checkEntry(name: string, raw: unknown, bufferBytes: number): HeaderEntry & { dtype: 'F32' | 'F64' } {
  const entry = raw as Partial<HeaderEntry> | null
  if (!entry || typeof entry !== 'object') throw new Error(`tensor "${name}" has no description`)
  if (entry.dtype !== 'F32' && entry.dtype !== 'F64') throw new Error(`tensor "${name}" has dtype ${String(entry.dtype)}; Digit Lab stores F32 and F64`)
  if (!Array.isArray(entry.shape) || !entry.shape.every(isCount)) throw new Error(`tensor "${name}" has an invalid shape`)
  const offsets = entry.data_offsets
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isCount(offsets[0]) || !isCount(offsets[1]) || offsets[1] > bufferBytes) {
    throw new Error(`tensor "${name}" points outside the file: it is truncated or damaged`)
  }
  const count = entry.shape.reduce((n, d) => n * d, 1)
  if (offsets[1] - offsets[0] !== count * BYTES[entry.dtype]) throw new Error(`tensor "${name}" has ${offsets[1] - offsets[0]} bytes for shape [${entry.shape.join(', ')}]`)
  return entry as HeaderEntry & { dtype: 'F32' | 'F64' }
}

/** Read a safetensors file, checking every size and offset; throws with a one-line reason. */
export function decodeSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8) throw new Error(`the file is truncated (${bytes.length} bytes)`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLength = view.getBigUint64(0, true)
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) throw new Error('the file is truncated or not in the expected format (its header length is impossible)')
  const base = 8 + Number(headerLength)
  let header: Record<string, unknown>
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, base))) as Record<string, unknown>
  } catch (error) {
    throw new Error(`its header is not valid JSON (${(error as Error).message})`)
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error('its header is not a JSON object')
  const metadata = (header[METADATA] ?? {}) as Record<string, unknown>
  if (typeof metadata !== 'object' || Object.values(metadata).some((value) => typeof value !== 'string')) throw new Error('its metadata is not a map of strings')
  const bufferBytes = bytes.length - base
  const entries = Object.entries(header).filter(([name]) => name !== METADATA).map(([name, raw]) => [name, checkEntry(name, raw, bufferBytes)] as const)
  const sorted = [...entries].sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0])
  let expected = 0
  for (const [name, entry] of sorted) {
    if (entry.data_offsets[0] !== expected) throw new Error(`tensor "${name}" does not follow the previous one (overlapping or gap in the data)`)
    expected = entry.data_offsets[1]
  }
  if (expected !== bufferBytes) throw new Error(`the data is ${bufferBytes} bytes but the tensors describe ${expected}: the file is truncated or damaged`)
  const tensors = new Map<string, StoredTensor>()
  for (const [name, entry] of entries) {
    const start = base + entry.data_offsets[0]
    const count = (entry.data_offsets[1] - entry.data_offsets[0]) / BYTES[entry.dtype]
    if (entry.dtype === 'F32') {
      tensors.set(name, { dtype: 'F32', shape: entry.shape, data: Float32Array.from({ length: count }, (_, i) => view.getFloat32(start + i * 4, true)) })
    } else {
      tensors.set(name, { dtype: 'F64', shape: entry.shape, data: Float64Array.from({ length: count }, (_, i) => view.getFloat64(start + i * 8, true)) })
    }
  }
  return { tensors, metadata: metadata as Record<string, string> }
}

/** The byte range of the tensors' data inside a safetensors file (what a checksum over the data covers). */
export function safetensorsData(bytes: Uint8Array): Uint8Array {
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true))
  return bytes.subarray(8 + headerLength)
}
