import type { KernelModule } from './instance'
import type { Layout } from './layout'

/** An array a kernel call reads (`in`), writes (`out`) or both; null stands for a pointer the kernel skips (0). */
export type Staged = readonly [array: Float32Array | Float64Array | null, use: 'in' | 'out' | 'inout']

const bytesOf = (array: Float32Array | Float64Array, buffer: ArrayBufferLike = array.buffer, at = array.byteOffset): Uint8Array =>
  new Uint8Array(buffer, at, array.byteLength)

/**
 * Calls a kernel on `staged` arrays at their addresses in the kernels' memory: an array that lives there (see
 * `allocateKernelArray`) is used in place, any other is copied into the scratch first when read and copied back
 * after the call when written.
 */
export function callStaged(wasm: KernelModule, layout: Layout, staged: readonly Staged[], call: (addresses: number[]) => void): void {
  const present = staged.filter(([array]) => array !== null).map(([array]) => array!)
  // As float32 views, so that `place` (which counts floats) lays out float64 arrays too.
  const views = present.map((array) => new Float32Array(array.buffer, array.byteOffset, array.byteLength / 4))
  const placed = layout.place(views, views.map((view) => view.length))
  const buffer = wasm.memory.buffer
  let next = 0
  const addresses = staged.map(([array, use]) => {
    if (!array) return 0
    const at = placed[next++]
    if (use !== 'out' && !layout.heap.holds(array)) bytesOf(array, buffer, at).set(bytesOf(array))
    return at
  })
  call(addresses)
  staged.forEach(([array, use], i) => {
    if (array && use !== 'in' && !layout.heap.holds(array)) bytesOf(array).set(bytesOf(array, buffer, addresses[i]))
  })
}
