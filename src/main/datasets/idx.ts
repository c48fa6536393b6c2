import { gunzipSync } from 'node:zlib'

/** An IDX array as MNIST ships it: unsigned bytes and their dimensions. */
export interface IdxArray {
  readonly dims: number[]
  readonly data: Uint8Array
}

/** Largest unpacked IDX file accepted (all of MNIST's training images are 47 MB): a gzip bomb stops here. */
export const MAX_IDX_BYTES = 512 * 1024 * 1024

function gunzip(bytes: Uint8Array, name: string): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: MAX_IDX_BYTES }))
  } catch (error) {
    throw new Error(`${name} does not unpack: ${(error as Error).message} (limit ${MAX_IDX_BYTES / 2 ** 20} MB)`)
  }
}

/**
 * Parse an IDX file (gzipped or not). Only unsigned-byte data (type 0x08) is accepted — MNIST's —
 * and every size is checked against the bytes present, so a truncated file is named, not misread.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX file'): IdxArray {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes, name) : bytes
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw new Error(`${name} is not an IDX file (bad magic number)`)
  if (raw[2] !== 0x08) throw new Error(`${name} holds IDX type 0x${raw[2].toString(16)}; only unsigned bytes (0x08) are supported`)
  const rank = raw[3]
  if (rank < 1 || raw.length < 4 + 4 * rank) throw new Error(`${name} is truncated (header of rank ${rank})`)
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i))
  const size = dims.reduce((a, b) => a * b, 1)
  const start = 4 + 4 * rank
  if (raw.length - start < size) throw new Error(`${name} is truncated: dims [${dims.join(', ')}] need ${size} bytes, found ${raw.length - start}`)
  return { dims, data: raw.subarray(start, start + size) }
}
