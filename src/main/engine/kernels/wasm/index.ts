import type { Gemm, GemmArgs } from '../matmul'
import { gemmWasmBase64 } from './generated/gemm-wasm'

// NOTE: the main tsconfig has no DOM lib and @types/node 20 no WebAssembly types; this is the slice used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: unknown }
}

/** What `gemm.as.ts` exports; pointers are byte offsets into `memory`. */
interface GemmExports {
  readonly memory: WasmMemory
  workspaceEnd(): number
  gemm(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number, accumulate: number): void
}

const PAGE_BYTES = 65_536

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}

/** Places the operands in the module's memory, past its packing buffers, growing it when a call needs more. */
class WasmArena {
  private view: Float32Array
  private readonly base: number

  constructor(private readonly wasm: GemmExports) {
    this.base = wasm.workspaceEnd()
    this.view = new Float32Array(wasm.memory.buffer)
  }

  /** Byte offsets for `sizes` floats each, 64-byte aligned, with the memory grown to hold them. */
  layout(sizes: readonly number[]): number[] {
    let end = this.base
    const offsets = sizes.map((size) => {
      const offset = end
      end = offset + Math.ceil((size * 4) / 64) * 64
      return offset
    })
    const buffer = this.wasm.memory.buffer
    if (end > buffer.byteLength) this.wasm.memory.grow(Math.ceil((end - buffer.byteLength) / PAGE_BYTES))
    // NOTE: growing detaches the old buffer, so the view is rebuilt whenever the buffer changed.
    if (this.view.buffer !== this.wasm.memory.buffer) this.view = new Float32Array(this.wasm.memory.buffer)
    return offsets
  }

  write(offset: number, values: Float32Array): void {
    this.view.set(values, offset / 4)
  }

  read(offset: number, into: Float32Array): void {
    into.set(this.view.subarray(offset / 4, offset / 4 + into.length))
  }
}

function checkLengths({ a, b, c, m, n, k }: GemmArgs): void {
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new RangeError(`gemm: operands of lengths ${a.length}, ${b.length}, ${c.length} are too short for m=${m}, n=${n}, k=${k}`)
  }
}

function createGemm(wasm: GemmExports): Gemm {
  const arena = new WasmArena(wasm)
  return (args) => {
    checkLengths(args)
    const { a, b, c, m, n, k, transA, transB, accumulate } = args
    if (m === 0 || n === 0) return
    const [aAt, bAt, cAt] = arena.layout([m * k, k * n, m * n])
    // NOTE: copying in is a memcpy (~10 GB/s), small beside the arithmetic for all but vector products.
    arena.write(aAt, a.length === m * k ? a : a.subarray(0, m * k))
    arena.write(bAt, b.length === k * n ? b : b.subarray(0, k * n))
    const out = c.length === m * n ? c : c.subarray(0, m * n)
    if (accumulate) arena.write(cAt, out)
    wasm.gemm(aAt, bAt, cAt, m, n, k, +transA, +transB, +accumulate)
    arena.read(cAt, out)
  }
}

function instantiate(): GemmExports | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  const bytes = decodeBase64(gemmWasmBase64)
  // A runtime without WebAssembly SIMD rejects the module here rather than failing later.
  if (!api || !api.validate(bytes)) return null
  const instance = new api.Instance(new api.Module(bytes), {})
  return instance.exports as GemmExports
}

const wasm = instantiate()

/** The WebAssembly SIMD GEMM (blocked, packed, 4×8 register tiles); null where the runtime lacks SIMD. */
export const gemmWasm: Gemm | null = wasm ? createGemm(wasm) : null
