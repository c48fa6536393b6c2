import { setFlagsFromString } from 'node:v8'
import { fusedWasmBase64, plainWasmBase64 } from './generated/kernels-wasm'
import type { KernelExports } from './generated/interface'

// NOTE: the main tsconfig has no DOM lib and @types/node 20 no WebAssembly types; this is the slice used here.
/** A WebAssembly.Memory created with `shared: true`: growing it never detaches views of it. */
export interface SharedMemory {
  readonly buffer: SharedArrayBuffer
  grow(pages: number): number
}

/** A compiled module; it can be posted to a worker thread. */
export type CompiledModule = object

interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => CompiledModule
  Instance: new (module: CompiledModule, imports: object) => { readonly exports: unknown }
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedMemory
}

/** A compiled build of the kernels and this thread's instance of it. */
export interface KernelBuild {
  readonly module: CompiledModule
  readonly exports: KernelExports
}

/** The compiled kernel module, the memory its instances share, and this thread's instance. */
export interface KernelModule extends KernelBuild {
  readonly memory: SharedMemory
  /** Whether `module` multiply-adds fused (one rounding; relaxed SIMD), rather than as a multiply and an add. */
  readonly fused: boolean
  /** The build that multiply-adds as a multiply and an add: `module` itself when that is not fused. */
  readonly plain: KernelBuild
}

export const PAGE_BYTES = 65_536
/** The memory's ceiling (4 GiB, the most a 32-bit module addresses), which `--maximumMemory` declares too. */
const MAXIMUM_PAGES = 65_536

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}

// NOTE: Node 20 (V8 11.3) has relaxed SIMD behind a flag, which Electron 41 and Node 22 have on. Set before the
// module compiles (the flag is the process's, so workers see it too), it lets the CLI, the tests and the app
// run the same fused kernel, and so train to the same bits on the same machine.
/** Whether this runtime validates the fused build, turning on V8's relaxed SIMD first where it is a flag. */
function acceptsFused(api: WasmApi, bytes: Uint8Array): boolean {
  if (api.validate(bytes)) return true
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd')
  } catch {
    return false
  }
  return api.validate(bytes)
}

/**
 * Compiles the kernels — the fused build where the runtime takes relaxed SIMD, and the plain one — and
 * instantiates them on one new shared memory; null where SIMD or shared memory is missing.
 */
export function loadKernelModule(): KernelModule | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  const plainBytes = decodeBase64(plainWasmBase64)
  // A runtime without WebAssembly SIMD (or threads) rejects the module here rather than failing later.
  if (!api || typeof SharedArrayBuffer !== 'function' || !api.validate(plainBytes)) return null
  const fusedBytes = decodeBase64(fusedWasmBase64)
  const memory = new api.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true })
  const build = (bytes: Uint8Array): KernelBuild => {
    const module = new api.Module(bytes)
    return { module, exports: new api.Instance(module, { env: { memory } }).exports as KernelExports }
  }
  const plain = build(plainBytes)
  const candidate = acceptsFused(api, fusedBytes) ? build(fusedBytes) : null
  // Both builds come from the same sources, so they lay out memory alike (Layout reads it from one of them).
  const fused = candidate && candidate.exports.heapBase() === plain.exports.heapBase() ? candidate : null
  return { ...(fused ?? plain), memory, fused: fused !== null, plain }
}
