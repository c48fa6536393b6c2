import type { WasmHeap } from './heap'
import type { SharedMemory } from './instance'

interface Slot {
  readonly view: Float32Array
  readonly block: { offset: number; bytes: number } | null
}

/**
 * Named arrays that an op reuses call after call for intermediates that never outlive it (a convolution's
 * columns and products), in the kernels' memory where it runs, so the kernels use them in place. A slot's array
 * grows to the largest length asked of it and is never zeroed: it holds whatever its last user wrote.
 */
export class ScratchArrays {
  private readonly slots = new Map<string, Slot>()

  constructor(private readonly memory: SharedMemory | null, private readonly heap: WasmHeap | null) {}

  /** The array of `slot`, `length` long (a view of it, valid until the slot is asked for a longer one). */
  get(slot: string, length: number): Float32Array {
    let held = this.slots.get(slot)
    if (!held || held.view.length < length) {
      if (held?.block) this.heap!.release(held.block)
      held = this.create(length)
      this.slots.set(slot, held)
    }
    return held.view.length === length ? held.view : held.view.subarray(0, length)
  }

  private create(length: number): Slot {
    if (!this.memory || !this.heap) return { view: new Float32Array(length), block: null }
    const block = this.heap.reserve(length * 4)
    return { view: new Float32Array(this.memory.buffer, block.offset, length), block }
  }
}
