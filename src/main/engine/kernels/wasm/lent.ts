import type { WasmHeap } from './heap'
import type { SharedMemory } from './instance'

interface Loan {
  readonly block: { offset: number; bytes: number }
  readonly token: object
}

/**
 * Arrays in the kernels' memory lent to an op from one call until a later one (a convolution keeps its columns
 * from the forward pass for its backward), then given back for the next loan of that size: no allocation and no
 * garbage per step. One never given back (a graph dropped before its backward) returns once `owner` is collected.
 */
export class LentArrays {
  private readonly loans = new WeakMap<Float32Array, Loan>()
  private readonly registry: FinalizationRegistry<Loan['block']> | null

  constructor(private readonly memory: SharedMemory | null, private readonly heap: WasmHeap | null) {
    this.registry = heap && new FinalizationRegistry((block) => heap.release(block))
  }

  /** `length` floats, not zeroed, until `giveBack`; an ordinary array where WebAssembly is missing. */
  lend(length: number, owner: object): Float32Array {
    if (!this.memory || !this.heap || !this.registry) return new Float32Array(length)
    const block = this.heap.reserve(length * 4)
    const array = new Float32Array(this.memory.buffer, block.offset, length)
    const token = {}
    this.loans.set(array, { block, token })
    this.registry.register(owner, block, token)
    return array
  }

  /** Returns a lent array for reuse; the caller must not touch it again. Arrays not lent are ignored. */
  giveBack(array: Float32Array): void {
    const loan = this.loans.get(array)
    if (!loan) return
    this.loans.delete(array)
    this.registry!.unregister(loan.token)
    this.heap!.release(loan.block)
  }
}
