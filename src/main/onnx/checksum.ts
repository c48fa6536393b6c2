import { createHash } from 'node:crypto'
import { KEYS } from './metadata'
import { METADATA_FIELD, entryKey, topLevelFields } from './proto'

/**
 * The checksum a Digit Lab export carries in its `checksum` metadata: SHA-256 over every byte of
 * the file except that one metadata entry — weights, nodes, attributes, opset, IR version and all
 * other metadata — field by field in file order. onnxruntime runs many bit-flipped models without
 * complaint; this is how a damaged export is told apart from a good one. Throws on bytes that do
 * not parse as protobuf fields.
 */
export function modelChecksum(bytes: Uint8Array): string {
  const hash = createHash('sha256')
  for (const { field, raw, payload } of topLevelFields(bytes)) {
    if (field === METADATA_FIELD && entryKey(payload) === KEYS.checksum) continue
    hash.update(raw)
  }
  return `sha256:${hash.digest('hex')}`
}
