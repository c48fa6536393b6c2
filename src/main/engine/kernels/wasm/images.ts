import type { GatherUnit } from '../images'
import type { KernelModule } from './instance'
import type { Layout } from './layout'

const align64 = (bytes: number): number => Math.ceil(bytes / 64) * 64

/**
 * The gather on WebAssembly. Source bytes in the kernels' memory (see `kernelBytes`) are read in place, rows
 * side by side; others are first copied row by row into the scratch. Floats go straight into an output in the
 * kernels' memory, else through the scratch.
 */
export function createGatherUnit(wasm: KernelModule, layout: Layout): GatherUnit {
  return (src, rows, rowLength, out) => {
    const count = rows.length * rowLength
    const [srcInPlace, outInPlace] = [layout.heap.holds(src), layout.heap.holds(out)]
    const rowsBytes = align64(rows.length * 4)
    const bytesBytes = srcInPlace ? 0 : align64(count)
    const scratch = layout.scratchAt(rowsBytes + bytesBytes + (outInPlace ? 0 : count * 4))
    const outAt = outInPlace ? out.byteOffset : scratch + rowsBytes + bytesBytes
    if (srcInPlace) {
      new Int32Array(wasm.memory.buffer, scratch, rows.length).set(rows)
      wasm.exports.gatherToUnit(src.byteOffset, scratch, rows.length, rowLength, outAt)
    } else {
      const bytes = new Uint8Array(wasm.memory.buffer)
      const bytesAt = scratch + rowsBytes
      for (let r = 0; r < rows.length; r++) {
        const from = rows[r] * rowLength
        bytes.set(src.subarray(from, from + rowLength), bytesAt + r * rowLength)
      }
      wasm.exports.bytesToUnit(bytesAt, outAt, count)
    }
    if (!outInPlace) out.set(new Float32Array(wasm.memory.buffer, outAt, count))
  }
}
