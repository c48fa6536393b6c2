import { NativeGraph, type OrtTensor } from './binding'

/**
 * Reused arrays on an ordinary ArrayBuffer, one per name, for operands that cannot go to the binding as they
 * are (on the kernels' SharedArrayBuffer, or longer than the shape); each grows to the largest size asked.
 */
class Staging {
  private readonly arrays = new Map<string, { array: Float32Array; tensors: Map<string, OrtTensor> }>()

  constructor(private readonly graph: NativeGraph) {}

  /** The staging tensor `name` of `dims`, over the first elements of its array. */
  get(name: string, dims: readonly number[]): { array: Float32Array; tensor: OrtTensor } {
    const length = dims.reduce((a, b) => a * b, 1)
    let entry = this.arrays.get(name)
    if (!entry || entry.array.length < length) {
      entry = { array: new Float32Array(length), tensors: new Map() }
      this.arrays.set(name, entry)
    }
    const key = dims.join('x')
    let tensor = entry.tensors.get(key)
    if (!tensor) {
      tensor = this.graph.tensor(entry.array.subarray(0, length), dims)
      entry.tensors.set(key, tensor)
    }
    return { array: entry.array.subarray(0, length), tensor }
  }
}

/** Whether the binding can read or write `array` in place as a tensor of `length` floats. */
const direct = (array: Float32Array, length: number): boolean => !(array.buffer instanceof SharedArrayBuffer) && array.length === length

/** One cached session, with its staging arrays. */
export class CachedGraph {
  private readonly staging: Staging

  constructor(readonly graph: NativeGraph) {
    this.staging = new Staging(graph)
  }

  /** `array` as the input `name` of `dims`: in place where the binding can read it, else copied to staging. */
  input(name: string, array: Float32Array, dims: readonly number[]): OrtTensor {
    const length = dims.reduce((a, b) => a * b, 1)
    if (direct(array, length)) return this.graph.tensor(array, dims)
    const staged = this.staging.get(name, dims)
    staged.array.set(array.length === length ? array : array.subarray(0, length))
    return staged.tensor
  }

  /**
   * Runs with outputs written straight into the caller's arrays where the binding can write them, else into
   * staging and copied over after.
   */
  run(feeds: Record<string, OrtTensor>, outputs: Record<string, { array: Float32Array; dims: readonly number[] }>): void {
    const fetches: Record<string, OrtTensor> = {}
    const copies: [Float32Array, Float32Array][] = []
    for (const [name, { array, dims }] of Object.entries(outputs)) {
      const length = dims.reduce((a, b) => a * b, 1)
      if (direct(array, length)) fetches[name] = this.graph.tensor(array, dims)
      else {
        const staged = this.staging.get(name, dims)
        fetches[name] = staged.tensor
        copies.push([staged.array, array])
      }
    }
    this.graph.run(feeds, fetches)
    for (const [from, to] of copies) to.set(from)
  }
}

/**
 * Sessions by key, built on first use for the thread count at that time (a count change builds new ones). Keeps
 * at most `limit` sessions, dropping the least recently used: each holds a pool of threads and staging arrays.
 */
export class SessionCache {
  private readonly sessions = new Map<string, CachedGraph>()

  constructor(private readonly limit = 16) {}

  get(key: string, threads: number, model: () => Uint8Array): CachedGraph {
    const full = `${threads}|${key}`
    let session = this.sessions.get(full)
    if (session) {
      this.sessions.delete(full)
    } else {
      session = new CachedGraph(new NativeGraph(model(), threads))
      if (this.sessions.size >= this.limit) {
        const [oldest, evicted] = this.sessions.entries().next().value as [string, CachedGraph]
        this.sessions.delete(oldest)
        evicted.graph.dispose()
      }
    }
    this.sessions.set(full, session)
    return session
  }

  get size(): number {
    return this.sessions.size
  }
}
