// Turns the official ONNX schema (src/main/onnx/onnx.proto, copied from the onnx package) into the JSON
// descriptor that src/main/onnx/proto.ts imports, so no .proto file is read at run time (tsx, vitest and the
// Vite bundle all import JSON). test/onnx/schema.test.ts fails if the two drift apart.
import { writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import protobuf from 'protobufjs'

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/main/onnx')
const root = protobuf.loadSync(join(folder, 'onnx.proto'))
await writeFile(join(folder, 'onnx-schema.json'), `${JSON.stringify(root.toJSON(), null, 1)}\n`)
