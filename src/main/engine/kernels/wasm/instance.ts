import { gemmWasmBase64 } from './generated/gemm-wasm'

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

/** gemm's arguments before its workspace: operands (byte offsets), row strides (floats), sizes and flags (0 or 1). */
export type GemmOperands = [
  a: number, lda: number, b: number, ldb: number, c: number, ldc: number,
  m: number, n: number, k: number, transA: number, transB: number, accumulate: number, sparse: number, index: number,
]

/** What `gemm.as.ts` exports; pointers are byte offsets into the memory. */
export interface GemmExports {
  heapBase(): number
  workspaceBytes(): number
  gemm(...args: [...GemmOperands, work: number]): void
  /** 0 when gemm would take the packed kernel, else the zero-skipping path it would take (see sparse.as.ts). */
  sparsePath(a: number, lda: number, b: number, ldb: number, m: number, n: number, k: number, transA: number, transB: number, index: number): number
  /** Whether rows×cols floats at `base` are mostly zeros, from a sample of rows (see nonzeros.as.ts). */
  mostlyZeros(base: number, rowBytes: number, rows: number, cols: number): number
  /** Bytes an index of a rows×cols matrix takes, and the column blocks gemm needs it in. */
  rowsIndexBytes(rows: number, cols: number, kc: number): number
  indexBlock(): number
  /** Writes the index of the rows×cols matrix at `base` (rows `ld` floats apart) at `index`. */
  indexRows(base: number, ld: number, rows: number, cols: number, kc: number, index: number): void
  /** Runs chunks of the job block at `job` until none is left (see parallel.as.ts). */
  gemmChunks(job: number, work: number): void
  /** out[i] = src[i] / 255 for `count` bytes at `src`, floats at `out` (see images.as.ts). */
  bytesToUnit(src: number, out: number, count: number): void
  /** Rows `rows[0…count)` of the byte matrix at `src` as floats v / 255 at `out` (see images.as.ts). */
  gatherToUnit(src: number, rows: number, count: number, rowLength: number, out: number): void
}

/** The compiled kernel module, the memory its instances share, and this thread's instance. */
export interface GemmModule {
  readonly module: CompiledModule
  readonly memory: SharedMemory
  readonly exports: GemmExports
}

export const PAGE_BYTES = 65_536
/** The memory's ceiling (4 GiB, the most a 32-bit module addresses), which `--maximumMemory` declares too. */
const MAXIMUM_PAGES = 65_536

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}

/** Compiles the kernel module and instantiates it on a new shared memory; null where SIMD or shared memory is missing. */
export function loadGemmModule(): GemmModule | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  const bytes = decodeBase64(gemmWasmBase64)
  // A runtime without WebAssembly SIMD (or threads) rejects the module here rather than failing later.
  if (!api || typeof SharedArrayBuffer !== 'function' || !api.validate(bytes)) return null
  const module = new api.Module(bytes)
  const memory = new api.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true })
  const exports = new api.Instance(module, { env: { memory } }).exports as GemmExports
  return { module, memory, exports }
}
