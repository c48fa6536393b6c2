import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import type { DigitDataset } from '../engine/data/dataset'
import type { EpochRecord } from '../engine/learner/recorder'
import { writeFileAtomic } from './atomic-write'
import { PROJECT_FORMAT, PROJECT_VERSION, parseManifest, type ProjectManifest } from './project-manifest'
import { decodeSafetensors, encodeSafetensors, safetensorsData, type StoredTensor } from './safetensors'

/** Metadata keys of the safetensors container that holds a project. */
const KEY = { format: 'format', manifest: 'digit_lab.project', checksum: 'digit_lab.sha256' } as const

/** Projects larger than this are not read. */
export const MAX_PROJECT_BYTES = 2 * 2 ** 30

/** A project in memory: its manifest and its tensors by name (`model.*`, `optimizer.*`, `history.*`). */
export interface ProjectData {
  readonly manifest: ProjectManifest
  readonly tensors: ReadonlyMap<string, StoredTensor>
}

/** SHA-256 of a dataset's label names, sizes, pixels and labels: reopening a project checks its data is the same. */
export function datasetFingerprint(dataset: DigitDataset): string {
  const hash = createHash('sha256').update(JSON.stringify([dataset.labelNames, dataset.height, dataset.width]))
  for (const split of [dataset.train, dataset.valid]) {
    hash.update(JSON.stringify([split.count]))
    hash.update(split.pixels)
    hash.update(new Uint8Array(split.labels.buffer, split.labels.byteOffset, split.labels.byteLength))
  }
  return `sha256:${hash.digest('hex')}`
}

/** The checksum of a project: SHA-256 over the manifest text, then the tensors' bytes. */
function projectChecksum(manifest: string, data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(manifest, 'utf8').update(data).digest('hex')}`
}

/**
 * The bytes of a project file: a safetensors container whose metadata holds the JSON manifest
 * (with the index of its tensors) and a checksum over the manifest and every tensor byte.
 * See docs/PROJECT_FORMAT.md.
 */
export function encodeProject(project: ProjectData): Uint8Array {
  const index = Object.fromEntries([...project.tensors].map(([name, t]) => [name, { dtype: t.dtype, shape: [...t.shape] }]))
  const manifest = JSON.stringify({ ...project.manifest, tensors: index })
  return encodeSafetensors(project.tensors, (data) => ({
    [KEY.format]: PROJECT_FORMAT,
    [KEY.manifest]: manifest,
    [KEY.checksum]: projectChecksum(manifest, data),
  }))
}

/** Write a project as one file, atomically (temporary file, fsync, rename); its size in bytes. */
export async function writeProject(path: string, project: ProjectData): Promise<number> {
  const bytes = encodeProject(project)
  await writeFileAtomic(path, bytes)
  return bytes.length
}

async function readBounded(path: string): Promise<Uint8Array> {
  let size: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new Error('not a file')
    size = info.size
  } catch (error) {
    throw new Error(`cannot open ${path}: ${(error as Error).message}`)
  }
  if (size > MAX_PROJECT_BYTES) throw new Error(`${path} is ${Math.round(size / 2 ** 20)} MB, larger than any Digit Lab project`)
  return readFile(path)
}

/**
 * Read a project, refusing with a one-line reason: not a project, saved by a newer Digit Lab,
 * truncated or damaged (the checksum does not match), or a manifest that does not fit the format.
 */
export async function readProject(path: string): Promise<ProjectData> {
  const bytes = await readBounded(path)
  let container
  try {
    container = decodeSafetensors(bytes)
  } catch (error) {
    throw new Error(`${path} is not a Digit Lab project, or it is damaged: ${(error as Error).message}`)
  }
  const { metadata, tensors } = container
  if (metadata[KEY.format] !== PROJECT_FORMAT || metadata[KEY.manifest] === undefined) throw new Error(`${path} is not a Digit Lab project`)
  let raw: unknown
  try {
    raw = JSON.parse(metadata[KEY.manifest])
  } catch {
    throw new Error(`${path} is damaged: its manifest is not valid JSON`)
  }
  const head = raw as { version?: unknown } | null
  // NOTE: the version is read before the checksum: a newer format may checksum differently.
  if (typeof head?.version === 'number' && head.version > PROJECT_VERSION) parseManifest(raw, path)
  if (projectChecksum(metadata[KEY.manifest], safetensorsData(bytes)) !== metadata[KEY.checksum]) {
    throw new Error(`${path} is damaged: its checksum does not match its contents (changed or corrupted since it was saved)`)
  }
  const manifest = parseManifest(raw, path)
  const names = Object.keys(manifest.tensors)
  if (names.length !== tensors.size || names.some((name) => !tensors.has(name))) throw new Error(`${path} is damaged: its tensors do not match its manifest`)
  for (const [name, { dtype, shape }] of Object.entries(manifest.tensors)) {
    const tensor = tensors.get(name)!
    if (tensor.dtype !== dtype || tensor.shape.join() !== shape.join()) throw new Error(`${path} is damaged: tensor "${name}" does not match its manifest`)
  }
  return { manifest, tensors }
}

/** History stored as tensors (exact float64 values), with the epoch table from the manifest. */
export interface ProjectHistory {
  readonly batchLosses: number[]
  readonly learningRates: number[]
  readonly epochs: EpochRecord[]
  /** How many batches had been trained when each epoch ended. */
  readonly epochEnds: number[]
}
