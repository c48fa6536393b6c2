import { createHash } from 'node:crypto'
import { KEYS } from './metadata'
import { canonicalModelBytes } from './proto'

/**
 * The checksum a Digit Lab export carries in its `checksum` metadata: SHA-256 over the whole model —
 * weights, nodes, attributes, opset, IR version and every other metadata entry — serialized
 * canonically (see `canonicalModelBytes`), so that tools which only re-serialize the file or add
 * inferred shapes keep it valid. onnxruntime runs many bit-flipped models without complaint; this
 * is how a damaged export is told apart from a good one. Throws on bytes that are not a model.
 */
export function modelChecksum(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(canonicalModelBytes(bytes, KEYS.checksum)).digest('hex')}`
}
