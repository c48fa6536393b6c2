import type { IndexNonzeros, NonzeroIndex } from '../matmul'
import type { KernelModule } from './instance'
import type { Layout } from './layout'

/** Matrices smaller than this are not worth indexing: finding their nonzeros again costs next to nothing. */
const MIN_INDEXED = 1 << 14

/** An index in the kernels' memory; `address` is −1 once it is freed. */
export class WasmNonzeroIndex implements NonzeroIndex {
  address: number

  constructor(readonly of: Float32Array, readonly block: { offset: number; bytes: number }, private readonly free: (index: WasmNonzeroIndex) => void) {
    this.address = block.offset
  }

  release(): void {
    if (this.address < 0) return
    this.address = -1
    this.free(this)
  }
}

/**
 * Indexes matrices that live in the kernels' memory (a batch drawn into the loader's input array) and are mostly
 * zeros. The index's block goes back to the heap when released, or when the index is collected.
 */
export function createIndexNonzeros(wasm: KernelModule, layout: Layout): IndexNonzeros {
  const registry = new FinalizationRegistry<{ offset: number; bytes: number }>((block) => layout.heap.release(block))
  const free = (index: WasmNonzeroIndex): void => {
    registry.unregister(index)
    layout.heap.release(index.block)
  }
  return (x, rows, cols) => {
    if (rows * cols < MIN_INDEXED || x.length < rows * cols || !layout.heap.holds(x)) return null
    if (!wasm.exports.mostlyZeros(x.byteOffset, cols * 4, rows, cols)) return null
    const kc = wasm.exports.indexBlock()
    const block = layout.heap.reserve(wasm.exports.rowsIndexBytes(rows, cols, kc))
    wasm.exports.indexRows(x.byteOffset, cols, rows, cols, kc, block.offset)
    const index = new WasmNonzeroIndex(x, block, free)
    registry.register(index, block, index)
    return index
  }
}

/** The address of `index` for a product of `a` and `b`, or 0 when it describes neither (or is freed). */
export function indexAddress(index: NonzeroIndex | null | undefined, a: Float32Array, b: Float32Array): number {
  if (!(index instanceof WasmNonzeroIndex) || index.address < 0 || (index.of !== a && index.of !== b)) return 0
  return index.address
}
