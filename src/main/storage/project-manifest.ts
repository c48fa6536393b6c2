import * as v from 'valibot'
import { OPTIMIZER_KINDS, TrainingConfigSchema } from '../../shared/training'

/** The project format this build writes; a file with a higher version is refused, never misread. */
export const PROJECT_VERSION = 1
export const PROJECT_FORMAT = 'digit-lab-project'

const count = v.pipe(v.number(), v.integer(), v.minValue(0))
const int32 = v.pipe(v.number(), v.integer(), v.minValue(-(2 ** 31)), v.maxValue(2 ** 31 - 1))
/** A seeded generator's whole state (engine/random.ts). */
const RandomStateSchema = v.object({ words: v.pipe(v.tuple([int32, int32, int32, int32]), v.readonly()), spareNormal: v.nullable(v.number()) })
/** JSON has no NaN: a loss that was NaN is written as null and read back as NaN. */
const loss = v.pipe(v.nullable(v.number()), v.transform((x) => x ?? Number.NaN))

const EpochRecordSchema = v.object({
  epoch: count,
  trainLoss: loss,
  validLoss: loss,
  metrics: v.record(v.string(), loss),
  seconds: v.number(),
})

/** A run kept to compare (src/shared/runs.ts): settings, starting point, loss curve, epochs, final metrics. */
const RunRecordSchema = v.object({
  id: v.pipe(v.string(), v.maxLength(200)),
  name: v.pipe(v.string(), v.maxLength(200)),
  startedAt: v.string(),
  dataset: v.object({ source: v.string(), name: v.string(), fingerprint: v.string() }),
  config: TrainingConfigSchema,
  startingPoint: v.string(),
  status: v.picklist(['completed', 'stopped', 'diverged', 'crashed']),
  batchLosses: v.array(loss),
  epochs: v.array(EpochRecordSchema),
  epochEnds: v.array(count),
  final: v.object({ validLoss: v.nullable(v.number()), accuracy: v.nullable(v.number()) }),
})

const DatasetReferenceSchema = v.object({
  /** What to open again: a built-in name (`mnist-sample`) or the folder/file the images came from. */
  source: v.string(),
  /** The seeded validation split of an imported folder; null where the layout brings its own split. */
  split: v.nullable(v.object({ seed: count, validPercent: v.number() })),
})

/**
 * The JSON manifest of a project (see docs/PROJECT_FORMAT.md): which data, which config, where
 * training stands, and the index of every tensor stored beside it. Validated field by field on load.
 */
export const ProjectManifestSchema = v.object({
  format: v.literal(PROJECT_FORMAT),
  version: v.literal(PROJECT_VERSION),
  producer: v.object({ name: v.string(), version: v.string() }),
  savedAt: v.string(),
  dataset: v.object({
    ...DatasetReferenceSchema.entries,
    name: v.string(),
    labelNames: v.pipe(v.array(v.string()), v.minLength(2)),
    height: count,
    width: count,
    counts: v.object({ train: count, valid: count }),
    /** SHA-256 of the pixels, labels and label names: reopening checks the data is the same. */
    fingerprint: v.string(),
  }),
  config: TrainingConfigSchema,
  training: v.object({
    epochsDone: count,
    batchesDone: count,
    lr: v.pipe(v.number(), v.finite(), v.gtValue(0)),
    /** The optimizer's momentum at save time (SGD's μ, Adam's β₁), which a one-cycle schedule moves. */
    momentum: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.ltValue(1))),
    trainLoader: v.object({ random: RandomStateSchema, augment: v.optional(RandomStateSchema) }),
    epochs: v.array(EpochRecordSchema),
    /** How many batches had been trained when each epoch ended (a Stop mid-epoch leaves batches no epoch counts); absent in older files. */
    epochEnds: v.optional(v.array(count)),
  }),
  optimizer: v.object({
    kind: v.picklist(OPTIMIZER_KINDS),
    /** Numbers of the optimizer's state (Adam's step count). */
    scalars: v.record(v.string(), v.number()),
    /** Per-parameter buffers of its state (momentum velocities, Adam's moments): how many tensors each has. */
    buffers: v.record(v.string(), count),
  }),
  /** The runs on this data kept to compare, oldest first; absent in older files. */
  runs: v.optional(v.array(RunRecordSchema)),
  /** Every tensor in the file: dtype and shape, so the index is covered by the checksum too. */
  tensors: v.record(v.string(), v.object({ dtype: v.picklist(['F32', 'F64']), shape: v.array(count) })),
})

export type ProjectManifest = v.InferOutput<typeof ProjectManifestSchema>
export type DatasetReference = v.InferOutput<typeof DatasetReferenceSchema>

/** Check a parsed manifest, refusing a newer version with a message before anything else. */
export function parseManifest(raw: unknown, path: string): ProjectManifest {
  const head = raw as { format?: unknown; version?: unknown } | null
  if (head?.format !== PROJECT_FORMAT) throw new Error(`${path} is not a Digit Lab project`)
  if (typeof head.version === 'number' && head.version > PROJECT_VERSION) {
    throw new Error(`${path} was saved by a newer Digit Lab (project format ${head.version}; this one reads ${PROJECT_VERSION}): update Digit Lab to open it`)
  }
  const parsed = v.safeParse(ProjectManifestSchema, raw)
  if (!parsed.success) throw new Error(`${path} is damaged: its manifest is invalid (${v.summarize(parsed.issues).split('\n')[0]})`)
  return parsed.output
}
