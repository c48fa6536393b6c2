import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ModelSpec } from '../../../shared/models'
import type { StartingPointId, TrainingConfig } from '../../../shared/training'
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from '../../storage/safetensors'

/**
 * What a starting point's JSON manifest says: how it was made (recipe, seed, data, command), how good it is
 * (accuracy on MNIST's 10,000 test images) and the SHA-256 of its weights file — and of the weights after the
 * recipe's first `prefix.batches` batches, which a test retrains to prove the recipe still makes these bits.
 */
export interface StartingPointManifest {
  readonly format: 'digit-lab-starting-point'
  readonly version: 1
  readonly id: StartingPointId
  /** How the app names it ("MNIST CNN"). */
  readonly name: string
  readonly model: ModelSpec
  readonly labelNames: readonly string[]
  readonly imageSize: readonly [number, number]
  readonly recipe: {
    readonly command: string
    readonly data: string
    readonly trainImages: number
    readonly config: TrainingConfig
    /** The kernels it was trained with: the bit-exact WebAssembly ones. */
    readonly kernels: string
  }
  readonly accuracy: { readonly data: string; readonly images: number; readonly accuracy: number; readonly loss: number }
  readonly weights: { readonly file: string; readonly bytes: number; readonly parameters: number; readonly sha256: string }
  readonly prefix: { readonly batches: number; readonly sha256: string }
  readonly seconds: number
}

/** A starting point in memory: its manifest and its weights by state-dict name. */
export interface StartingPoint {
  readonly manifest: StartingPointManifest
  readonly state: Readonly<Record<string, Float32Array>>
}

/**
 * The folder the starting points are in. From the sources (CLI, tests, the worker through tsx) that is this
 * module's folder; the app's bundle has them copied to `out/main/pretrained/` (electron.vite.config.ts).
 */
export function pretrainedFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  if (import.meta.url.endsWith('.ts')) return here
  const candidates = [join(here, 'pretrained'), join(here, '..', 'pretrained')]
  return candidates.find((folder) => existsSync(join(folder, 'mnist-cnn.json'))) ?? candidates[0]
}

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/** A state dict as the bytes of a safetensors file (what a starting point ships, and what its checksums cover). */
export function encodeWeights(state: Readonly<Record<string, Float32Array>>, shapes: Readonly<Record<string, readonly number[]>>): Uint8Array {
  const tensors = new Map<string, StoredTensor>(Object.entries(state).map(([name, data]) => [name, { dtype: 'F32', shape: shapes[name] ?? [data.length], data }]))
  return encodeSafetensors(tensors, { format: 'pt' })
}

const cache = new Map<string, StartingPoint>()

/**
 * Read a built-in starting point, checking its weights against the SHA-256 its manifest records (a damaged or
 * swapped file is refused, never trained from). Read once per process.
 */
export function loadStartingPoint(id: StartingPointId, folder = pretrainedFolder()): StartingPoint {
  const key = join(folder, id)
  const cached = cache.get(key)
  if (cached) return cached
  const manifestPath = join(folder, `${id}.json`)
  if (!existsSync(manifestPath)) throw new Error(`the starting point "${id}" is missing from ${folder}: reinstall Digit Lab, or run \`npm run make-starting-point\` in its folder`)
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as StartingPointManifest
  const bytes = readFileSync(join(folder, manifest.weights.file))
  if (sha256(bytes) !== manifest.weights.sha256) throw new Error(`the starting point "${id}" is damaged: ${manifest.weights.file} does not match the SHA-256 in ${id}.json; run \`npm run make-starting-point\` to make it again`)
  const { tensors } = decodeSafetensors(bytes)
  const state = Object.fromEntries([...tensors].map(([name, tensor]) => [name, Float32Array.from(tensor.data)]))
  const point = { manifest, state }
  cache.set(key, point)
  return point
}
