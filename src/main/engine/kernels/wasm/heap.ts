import { PAGE_BYTES, type SharedMemory } from './instance'

/** The smallest block: one cache line, so blocks never share one. */
const MIN_BLOCK_BYTES = 64
/**
 * At most this many bytes of blocks are handed out and not yet collected. Blocks come back only when the
 * garbage collector finds their views unreachable; past the cap `allocate` says no, and the caller falls back
 * to an ordinary array (the kernels then copy it in), so a collector that runs late never grows memory further.
 * (What asks for blocks keeps them long: a loader's input array, a dataset's pixels.)
 */
const MAX_LIVE_BYTES = 512 * 1024 * 1024

interface Block {
  readonly offset: number
  readonly bytes: number
}

const blockBytes = (bytes: number): number => Math.max(MIN_BLOCK_BYTES, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))))

/**
 * Blocks of the kernels' shared WebAssembly memory, handed out as typed-array views that the kernels read and
 * write in place, with no copy in or out. A block returns to its free list when its view is garbage collected.
 * Sizes are powers of two, so a freed block fits the next request of its class exactly.
 */
export class WasmHeap {
  private top: number
  private live = 0
  private readonly free = new Map<number, number[]>()
  private readonly buffers = new WeakSet<object>()
  private readonly registry = new FinalizationRegistry<Block>((block) => this.release(block))

  constructor(private readonly memory: SharedMemory, start: number) {
    this.top = Math.ceil(start / MIN_BLOCK_BYTES) * MIN_BLOCK_BYTES
    this.buffers.add(memory.buffer)
  }

  /**
   * A Float32Array of `length` in this memory, zeroed unless `zeroed` is false (then it may hold what an earlier
   * owner wrote: for a caller that writes every value), or null when the cap on live blocks is reached.
   */
  allocate(length: number, zeroed = true): Float32Array | null {
    const block = this.take(length * 4, zeroed)
    if (!block) return null
    const view = new Float32Array(this.memory.buffer, block.offset, length)
    this.registry.register(view, block)
    return view
  }

  /** A zeroed Uint8Array of `length` in this memory, or null when the cap on live blocks is reached. */
  allocateBytes(length: number): Uint8Array | null {
    const block = this.take(length)
    if (!block) return null
    const view = new Uint8Array(this.memory.buffer, block.offset, length)
    this.registry.register(view, block)
    return view
  }

  /**
   * A block for the caller's own bookkeeping (kernel scratch), kept until `release`d; it is not zeroed.
   * Unlike `allocate`, it ignores the cap: scratch is reused call after call, not collected.
   */
  reserve(bytes: number): Block {
    return this.take(bytes, false, true)!
  }

  /** Returns a block to its free list. */
  release(block: Block): void {
    this.live -= block.bytes
    let list = this.free.get(block.bytes)
    if (!list) this.free.set(block.bytes, (list = []))
    list.push(block.offset)
  }

  /** Whether `view` lies in this memory (then its byteOffset is its address for the kernels). */
  holds(view: ArrayBufferView): boolean {
    return this.buffers.has(view.buffer)
  }

  private take(requested: number, zero = true, uncapped = false): Block | null {
    const bytes = blockBytes(requested)
    if (!uncapped && this.live + bytes > MAX_LIVE_BYTES) return null
    const reused = this.free.get(bytes)?.pop()
    const offset = reused ?? this.bump(bytes)
    this.live += bytes
    // Fresh memory is zero; a reused block still holds what its last owner wrote. Only the bytes asked for are
    // zeroed (the view covers no more): the rest of a block rounded up to a power of two is never touched, so it
    // takes no resident memory.
    if (reused !== undefined && zero) this.zero(offset, requested)
    return { offset, bytes }
  }

  /** Zeros `bytes` at `offset`, four at a time (a byte-wise fill of a shared buffer is about 3× slower in V8). */
  private zero(offset: number, bytes: number): void {
    const words = bytes >>> 2
    new Float32Array(this.memory.buffer, offset, words).fill(0)
    if (bytes > words * 4) new Uint8Array(this.memory.buffer, offset + words * 4, bytes - words * 4).fill(0)
  }

  private bump(bytes: number): number {
    const offset = this.top
    this.top += bytes
    const have = this.memory.buffer.byteLength
    if (this.top > have) {
      this.memory.grow(Math.ceil((this.top - have) / PAGE_BYTES))
      // NOTE: growing a shared memory gives `buffer` a new SharedArrayBuffer over the same bytes; views made on
      // the old one stay valid, so every buffer the memory has had is remembered as ours.
      this.buffers.add(this.memory.buffer)
    }
    return offset
  }
}
