import { createRequire } from 'node:module'
import type { TensorConstructor } from 'onnxruntime-common'
// Telemetry off, where this runs on the main thread (a worker relies on worker/spawn.ts; see onnx/telemetry-off.ts).
import '../../../onnx/runtime'
import { errorMessage } from '../../../../shared/error-message'

// NOTE: the one place that relies on onnxruntime-node's internals. Its public `InferenceSession.run` is async
// only because it wraps the native `binding.InferenceSession.run` in setImmediate; the engine's API is
// synchronous, so the kernels call the binding directly. package.json pins onnxruntime-node's exact version,
// and test/kernels/native-binding.test.ts fails loudly when the binding's shape changes.

/** What this adapter expects of `onnxruntime-node/dist/binding.js` (onnxruntime-node 1.30.0). */
interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, OrtTensor | null>, options: object): Record<string, OrtTensor>
  dispose(): void
}
interface BindingModule {
  binding: { InferenceSession: new () => NativeSession }
  initOrt: () => void
}
/** The tensor objects the binding reads and writes (onnxruntime-common's Tensor). */
export interface OrtTensor {
  readonly data: unknown
  readonly dims: readonly number[]
}

// NOTE: not named `require`: the app's bundler declares its own `require` shim at the top of the chunk this lands in,
// and two top-level `require`s there stop the bundled worker from loading (SyntaxError).
const requireNode = createRequire(import.meta.url)

function load(): { module: BindingModule; Tensor: TensorConstructor } | string {
  try {
    const module = requireNode('onnxruntime-node/dist/binding.js') as Partial<BindingModule>
    const { Tensor } = requireNode('onnxruntime-common') as { Tensor: TensorConstructor }
    const session = module.binding?.InferenceSession?.prototype as Partial<NativeSession> | undefined
    const shapeProblem = bindingShapeProblem(module, session)
    if (shapeProblem) return shapeProblem
    module.initOrt!()
    return { module: module as BindingModule, Tensor }
  } catch (error) {
    return `onnxruntime-node's native binding did not load: ${errorMessage(error)}`
  }
}

function bindingShapeProblem(module: Partial<BindingModule>, session: Partial<NativeSession> | undefined): string | null {
  if (typeof module.initOrt !== 'function') return "onnxruntime-node's binding has no initOrt"
  if (!session) return "onnxruntime-node's binding has no InferenceSession"
  const missing = (['loadModel', 'run', 'dispose'] as const).filter((name) => typeof session[name] !== 'function')
  return missing.length > 0 ? `onnxruntime-node's binding.InferenceSession lacks ${missing.join(', ')}` : null
}

const loaded = load()

/** The onnxruntime-node version installed (package.json pins it exactly). */
export const ONNXRUNTIME_VERSION: string = (() => {
  try {
    return (requireNode('onnxruntime-node/package.json') as { version: string }).version
  } catch {
    return 'unknown'
  }
})()

/** Why the native binding is unusable here, or null when it loaded. */
export const nativeBindingProblem: string | null = typeof loaded === 'string' ? loaded : null

/**
 * One onnxruntime session on a fixed-shape graph, run synchronously on arrays the caller owns. Inputs and outputs
 * must be Float32Arrays on an ordinary ArrayBuffer (the binding refuses a SharedArrayBuffer); outputs are written
 * in place.
 */
export class NativeGraph {
  private readonly session: NativeSession
  private readonly Tensor: TensorConstructor

  constructor(model: Uint8Array, threads: number) {
    if (typeof loaded === 'string') throw new Error(loaded)
    this.Tensor = loaded.Tensor
    this.session = new loaded.module.binding.InferenceSession()
    // NOTE: no spinning: onnxruntime's threads would otherwise busy-wait between our calls, taking a core
    // from the WebAssembly passes (and from other programs) for nothing.
    this.session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    })
  }

  /** A tensor of `dims` over `data` (no copy), for `run`. */
  tensor(data: Float32Array, dims: readonly number[]): OrtTensor {
    return new this.Tensor('float32', data, dims)
  }

  /** Runs the graph now, writing each output into the tensor given for it. */
  run(feeds: Record<string, OrtTensor>, outputs: Record<string, OrtTensor>): void {
    this.session.run(feeds, outputs, {})
  }

  dispose(): void {
    this.session.dispose()
  }
}
