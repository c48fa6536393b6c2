import type { ModelSpec } from '../../shared/models'
import type { LossKind } from '../../shared/training'
import { PRODUCER, PRODUCER_VERSION } from '../producer'
import type { StringEntry } from './proto'


/** Version of the metadata convention below; a reader refuses a newer one rather than misread it. */
export const METADATA_FORMAT = 1

/** Metadata keys (`metadata_props`) of a Digit Lab export. */
export const KEYS = {
  format: 'digit_lab_format',
  producer: 'producer',
  producerVersion: 'producer_version',
  labels: 'labels',
  preprocessing: 'preprocessing',
  architecture: 'architecture',
  training: 'training',
  outputs: 'outputs',
  checksum: 'checksum',
} as const

/**
 * How an image must be prepared before it is fed to the model, so that other tools can reproduce
 * it: grey 28×28, ink bright on a black (0) background, pixel / 255, and, when `centring` is
 * `mnist`, the digit's ink bounding box scaled into 20×20 (aspect kept) and centred by its centre
 * of mass in the 28×28 field, as MNIST was made.
 */
export interface Preprocessing {
  readonly size: readonly [height: number, width: number]
  readonly channels: 1
  readonly layout: 'NCHW'
  readonly polarity: 'ink-bright'
  readonly scaling: 'pixel/255'
  readonly range: readonly [0, 1]
  readonly centring: 'mnist' | 'none'
  readonly description: string
}

/** The preprocessing record for a model trained on `height`×`width` images prepared with `centring`. */
export function preprocessingFor(centring: Preprocessing['centring'], height = 28, width = 28): Preprocessing {
  const centred = centring === 'mnist'
    ? 'ink bounding box scaled into 20×20 keeping its aspect ratio, then centred by centre of mass in the 28×28 field'
    : 'resized to fit, no centring'
  return {
    size: [height, width],
    channels: 1,
    layout: 'NCHW',
    polarity: 'ink-bright',
    scaling: 'pixel/255',
    range: [0, 1],
    centring,
    description: `grayscale ${height}×${width}, white ink on a black (0) background, float32 = pixel / 255; ${centred}`,
  }
}

/** What the run achieved, as recorded in the file. */
export interface TrainingRecord {
  readonly dataset: string
  readonly loss: LossKind
  readonly epochs: number
  readonly seed?: number
  readonly metrics: Readonly<Record<string, number | null>>
}

/** Everything a Digit Lab export says about itself. */
export interface DigitLabMetadata {
  readonly labels: readonly string[]
  readonly preprocessing: Preprocessing
  readonly architecture: ModelSpec
  readonly training: TrainingRecord
  /** What each output holds, in words. */
  readonly outputs: Readonly<Record<'logits' | 'probabilities', string>>
}

/** The `metadata_props` entries of an export, checksum not included (it is added last, over everything). */
export function metadataProps(metadata: DigitLabMetadata): StringEntry[] {
  const entries: [string, string][] = [
    [KEYS.format, String(METADATA_FORMAT)],
    [KEYS.producer, PRODUCER],
    [KEYS.producerVersion, PRODUCER_VERSION],
    [KEYS.labels, JSON.stringify(metadata.labels)],
    [KEYS.preprocessing, JSON.stringify(metadata.preprocessing)],
    [KEYS.architecture, JSON.stringify(metadata.architecture)],
    [KEYS.training, JSON.stringify(metadata.training)],
    [KEYS.outputs, JSON.stringify(metadata.outputs)],
  ]
  return entries.map(([key, value]) => ({ key, value }))
}

/** The metadata as a map; a repeated key is an error (a reader could otherwise pick either). */
export function metadataMap(props: readonly StringEntry[] = []): Map<string, string> {
  const map = new Map<string, string>()
  for (const { key, value } of props) {
    if (map.has(key)) throw new Error(`metadata key "${key}" appears twice`)
    map.set(key, value ?? '')
  }
  return map
}

/** A metadata value parsed as JSON, or undefined when absent or not JSON. */
export function jsonValue(map: ReadonlyMap<string, string>, key: string): unknown {
  const raw = map.get(key)
  if (raw === undefined) return undefined
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return undefined
  }
}

/** `labels` metadata when it is a JSON array of strings (ours, or another tool's with the same convention). */
export function labelsFrom(map: ReadonlyMap<string, string>): string[] | null {
  const labels = jsonValue(map, KEYS.labels)
  return Array.isArray(labels) && labels.length > 0 && labels.every((l) => typeof l === 'string') ? labels : null
}
