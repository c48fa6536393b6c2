import { join } from 'node:path'
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import descriptor from '../../src/main/onnx/onnx-schema.json'

describe('the ONNX schema', () => {
  it('is the official onnx.proto, and the JSON descriptor the app imports is generated from it (npm run onnx-schema regenerates it)', () => {
    const root = protobuf.loadSync(join(__dirname, '../../src/main/onnx/onnx.proto'))
    expect(JSON.parse(JSON.stringify(root.toJSON()))).toEqual(descriptor)
    expect(root.lookupType('onnx.ModelProto').fields.graph.id).toBe(7)
    expect(root.lookupType('onnx.ModelProto').fields.metadataProps.id).toBe(14)
  })
})
