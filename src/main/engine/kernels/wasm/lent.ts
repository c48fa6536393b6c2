import type { WasmHeap } from './heap'
import type { SharedMemory } from './instance'

interface Loan {
  readonly block: { offset: number; bytes: number }
  readonly token: object
}

/**
 * At most this many bytes are on loan at once. Past it `lend` says no and the op recomputes what it would have
 * kept: the kernels' memory never shrinks, so every byte lent at the peak of a step stays resident. (ResNet-18 on
 * digits would keep ~80 MB of conv columns; with the cap its peak RSS stays below PyTorch's.)
 */
export const MAX_LENT_BYTES = 32 * 1024 * 1024

/**
 * Arrays in the kernels' memory lent to an op from one call until a later one (a convolution keeps its columns
 * from the forward pass for its backward), then given back for the next loan of that size: no allocation and no
 * garbage per step. One never given back (a graph dropped before its backward) returns once `owner` is collected.
 */
export class LentArrays {
  private readonly loans = new WeakMap<Float32Array, Loan>()
  private readonly registry: FinalizationRegistry<Loan['block']> | null
  private lentBytes = 0

  constructor(private readonly memory: SharedMemory | null, private readonly heap: WasmHeap | null) {
    this.registry = heap && new FinalizationRegistry((block) => this.release(block))
  }

  /**
   * `length` floats, not zeroed, until `giveBack`; an ordinary array where WebAssembly is missing; null when the
   * loan would pass MAX_LENT_BYTES (the caller computes again what it wanted to keep).
   */
  lend(length: number, owner: object): Float32Array | null {
    if (!this.memory || !this.heap || !this.registry) return new Float32Array(length)
    if (this.lentBytes + length * 4 > MAX_LENT_BYTES) return null
    const block = this.heap.reserve(length * 4)
    this.lentBytes += block.bytes
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
    this.release(loan.block)
  }

  private release(block: Loan['block']): void {
    this.lentBytes -= block.bytes
    this.heap!.release(block)
  }
}
