import { scratchArrays } from './wasm'

const taken = new Set<string>()

/**
 * One scratch array that an op owns and reuses call after call for an intermediate that never outlives the call
 * (a conv's columns, its product), in the kernels' memory where the kernels use it in place; never zeroed. One
 * user at a time: taking it while another holds it throws, naming it, so an order rule between two uses of the
 * same memory (a conv's weight gradient reads the columns before its input gradient reuses them) is checked on
 * every call instead of remembered. Each slot is a constant of the op that owns it, and its name is unique.
 */
export class ScratchSlot {
  private held = false

  constructor(readonly name: string) {
    if (taken.has(name)) throw new Error(`a scratch slot named "${name}" exists already: each op owns its own slots`)
    taken.add(name)
  }

  /** The array, `length` long, until `release`; throws if it is held already (two users would overlap). */
  hold(length: number): Float32Array {
    if (this.held) throw new Error(`the scratch array "${this.name}" is in use: a second user would overwrite the first's values; release it first`)
    this.held = true
    return scratchArrays.get(this.name, length)
  }

  /** Ends a `hold`; the array must not be used after it. */
  release(): void {
    this.held = false
  }

  /** `fn` with the array held, `length` long, released when it returns or throws. */
  use<T>(length: number, fn: (array: Float32Array) => T): T {
    const array = this.hold(length)
    try {
      return fn(array)
    } finally {
      this.release()
    }
  }
}
