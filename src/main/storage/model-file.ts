import { readFile } from 'node:fs/promises'
import type { ModelSpec } from '../../shared/models'
import type { LossKind } from '../../shared/training'
import { writeFileAtomic } from './atomic-write'

/** What a saved model holds: enough to rebuild it and to label its outputs. */
export interface SavedModel {
  readonly format: 'digit-lab-model'
  readonly version: 1
  readonly model: ModelSpec
  readonly loss: LossKind
  readonly labelNames: readonly string[]
  readonly imageSize: readonly [number, number]
  readonly metrics: Readonly<Record<string, number>>
  readonly state: Readonly<Record<string, Float32Array>>
}

interface SavedTensorJson {
  readonly length: number
  readonly base64: string
}

function encode(values: Float32Array): SavedTensorJson {
  return { length: values.length, base64: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64') }
}

function decode(name: string, saved: SavedTensorJson): Float32Array {
  const bytes = Buffer.from(saved.base64, 'base64')
  if (bytes.length !== saved.length * 4) throw new Error(`weights "${name}" are damaged: ${bytes.length} bytes for ${saved.length} values`)
  const values = new Float32Array(saved.length)
  new Uint8Array(values.buffer).set(bytes)
  return values
}

/** Save a model as JSON (weights as base64 float32), atomically. */
export async function saveModel(path: string, saved: Omit<SavedModel, 'format' | 'version'>): Promise<void> {
  const state = Object.fromEntries(Object.entries(saved.state).map(([name, values]) => [name, encode(values)]))
  const json = JSON.stringify({ format: 'digit-lab-model', version: 1, ...saved, state }, null, 1)
  await writeFileAtomic(path, json)
}

/** Read a model saved by `saveModel`, refusing other files and newer versions with a reason. */
export async function loadModel(path: string): Promise<SavedModel> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new Error(`${path} is not a Digit Lab model file (${(error as Error).message})`)
  }
  const file = parsed as Partial<Omit<SavedModel, 'state'>> & { state?: Record<string, SavedTensorJson> }
  if (file?.format !== 'digit-lab-model') throw new Error(`${path} is not a Digit Lab model file`)
  if (file.version !== 1) throw new Error(`${path} was written by a newer Digit Lab (model format ${String(file.version)}); update Digit Lab to open it`)
  const state = Object.fromEntries(Object.entries(file.state ?? {}).map(([name, saved]) => [name, decode(name, saved)]))
  return { ...(file as unknown as Omit<SavedModel, 'state'>), state }
}
