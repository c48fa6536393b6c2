import type { GatherUnit } from '../images'
import type { GemmModule } from './instance'
import type { Layout } from './layout'

/** The gather on WebAssembly: each row's bytes copied into the scratch, then converted there in one pass. */
export function createGatherUnit(wasm: GemmModule, layout: Layout): GatherUnit {
  return (src, rows, rowLength, out) => {
    const count = rows.length * rowLength
    const inPlace = layout.heap.holds(out)
    const bytesAt = layout.scratchAt(Math.ceil(count / 64) * 64 + (inPlace ? 0 : count * 4))
    const outAt = inPlace ? out.byteOffset : bytesAt + Math.ceil(count / 64) * 64
    const bytes = new Uint8Array(wasm.memory.buffer)
    for (let r = 0; r < rows.length; r++) {
      const from = rows[r] * rowLength
      bytes.set(src.subarray(from, from + rowLength), bytesAt + r * rowLength)
    }
    wasm.exports.bytesToUnit(bytesAt, outAt, count)
    if (!inPlace) out.set(new Float32Array(wasm.memory.buffer, outAt, count))
  }
}
