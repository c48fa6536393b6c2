import { BLOCK_BYTES } from './helpers'
import { WasmHeap } from './heap'
import type { KernelModule } from './instance'

/** At most this many threads share one GEMM (this one and its helpers). */
export const MAX_THREADS = 8

export const align = (bytes: number, to: number): number => Math.ceil(bytes / to) * to

/**
 * The shared memory's layout: the job block and helpers' mailboxes, one packing workspace per thread, then
 * the heap: blocks handed out as arrays the kernels use in place, and the scratch that other operands are
 * copied into for the call (it grows as needed, and the memory never shrinks).
 */
export class Layout {
  readonly job: number
  readonly workspaces: readonly number[]
  readonly heap: WasmHeap
  private scratch: { offset: number; bytes: number } | null = null

  constructor(wasm: KernelModule) {
    this.job = wasm.exports.heapBase()
    const workspace = align(wasm.exports.workspaceBytes(), 64)
    const first = this.job + BLOCK_BYTES * MAX_THREADS
    this.workspaces = Array.from({ length: MAX_THREADS }, (_, i) => first + i * workspace)
    this.heap = new WasmHeap(wasm.memory, first + MAX_THREADS * workspace)
  }

  /** Addresses for `arrays`: a heap array's own, else a place in the scratch, 64-byte aligned, for a copy. */
  place(arrays: readonly Float32Array[], lengths: readonly number[]): number[] {
    let end = 0
    const offsets = arrays.map((array, i) => {
      if (this.heap.holds(array)) return -1
      const offset = end
      end = align(offset + lengths[i] * 4, 64)
      return offset
    })
    const base = this.scratchAt(end)
    return offsets.map((offset, i) => (offset < 0 ? arrays[i].byteOffset : base + offset))
  }

  /** The address of at least `bytes` bytes of scratch, valid until the next call (its contents are not kept). */
  scratchAt(bytes: number): number {
    if (!this.scratch || this.scratch.bytes < bytes) {
      if (this.scratch) this.heap.release(this.scratch)
      this.scratch = this.heap.reserve(bytes)
    }
    return this.scratch.offset
  }
}
