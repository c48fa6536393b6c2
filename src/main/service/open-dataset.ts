import type { DatasetView, ImagePage, ImagePageRequest, ImageView, ImportSettings } from '../../shared/datasets'
import type { HealthWarning } from '../../shared/health'
import type { ImportPlan, ImportResult } from '../datasets'
import { datasetHealth } from '../datasets/health'
import { summarizeDataset, type DatasetSummary } from '../datasets/summary'
import type { DigitDataset } from '../engine/data/dataset'
import { datasetFingerprint } from '../storage/project'
import type { DatasetReference } from '../storage/project-manifest'
import { DatasetImages } from './dataset-images'
import { shareDataset } from './shared-dataset'

/** The number of the last dataset opened in this process: every OpenDataset gets the next. */
let opened = 0

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

/** What the Data view shows of a dataset that takes long to compute on MNIST (a third and most of a second): worked out off main. */
export interface DatasetDescription {
  /** Each class's counts, mean image and pixel statistics (no samples). */
  readonly summary: DatasetSummary
  readonly health: HealthWarning[]
}

/** An import as it crosses between threads: its dataset in shared memory, its plan without the files and tables read. */
export type ImportedData = Omit<ImportResult, 'plan'> & { readonly plan: Omit<ImportPlan, 'files' | 'tables'> }

/** `result` as it crosses between threads (its pixels shared, copied once). */
export function importedData(result: ImportResult): ImportedData {
  const { files, tables, ...plan } = result.plan
  return { ...result, plan, dataset: shareDataset(result.dataset) }
}

/**
 * A dataset's summary and health; near-exact copies are looked for with `nearSearch` (the built-ins' near-exact
 * copies are MNIST's own, a handful across train and test: only exact ones are looked for there).
 */
export function describeDataset(dataset: DigitDataset, sources: ImportedData['sources'], nearSearch: boolean): DatasetDescription {
  return { summary: summarizeDataset(dataset, 0), health: datasetHealth(dataset, sources, nearSearch) }
}

/**
 * The dataset the app has open: its pixels in shared memory (ready for any worker: `result.dataset` is shared
 * already), the view the Data panel shows, pages of images for the thumbnail grid, and how a project names it.
 */
export class OpenDataset {
  readonly dataset: DigitDataset
  readonly view: DatasetView
  /** The folder its layout was found in (the source, or inside a wrapper folder); a built-in's name. */
  readonly root: string
  /** Its images by page or position, with the file each came from. */
  readonly images: DatasetImages
  private readonly sources: ImportedData['sources']
  private hash: string | null = null

  /**
   * `reference`: what a project saved from it opens again (a built-in name, or the folder and its split);
   * `settings`: how it was imported (a correction imports it again alike); `lineage`: the id of the
   * dataset this one re-imports with other corrections (its own id when it is a fresh opening).
   */
  constructor(result: ImportedData, { summary, health }: DatasetDescription, readonly reference: DatasetReference, readonly settings: ImportSettings = {}, lineage?: number) {
    this.dataset = result.dataset
    this.root = result.plan.root
    this.sources = result.sources
    this.images = new DatasetImages(this.dataset, this.sources)
    const id = ++opened
    this.view = {
      id,
      lineage: lineage ?? id,
      name: this.dataset.name,
      source: result.plan.source,
      layout: result.plan.layout,
      labelNames: this.dataset.labelNames,
      height: this.dataset.height,
      width: this.dataset.width,
      classes: summary.classes.map((c) => ({
        label: c.label,
        train: c.train,
        valid: c.valid,
        mean: base64(Uint8Array.from(c.mean, (value) => Math.round(value))),
        stats: c.stats,
      })),
      images: { train: this.dataset.train.count, valid: this.dataset.valid.count },
      skipped: result.skipped,
      notes: result.notes,
      inverted: result.inverted,
      seconds: result.seconds,
      corrections: result.corrections,
      validation: result.plan.validation,
      health,
      settings: { validPercent: result.plan.validPercent, seed: result.plan.seed, polarity: settings.polarity ?? 'auto', resize: settings.resize ?? 'letterbox' },
    }
  }

  /** The SHA-256 of its pixels, labels and label names, which a project records (computed once). */
  get fingerprint(): string {
    this.hash ??= datasetFingerprint(this.dataset)
    return this.hash
  }

  /** Whether an image of this source (a relative path, or `file.csv:line`) is in either split. */
  holds(source: string): boolean {
    return this.sources.train.includes(source) || this.sources.valid.includes(source)
  }

  /** A page of images of one split (of one class, if given), in dataset order. */
  page(request: ImagePageRequest): ImagePage {
    return this.images.page(request)
  }

  /**
   * The images at `indices` of a split, in that order; an index past the end is refused, and so are
   * positions meant for another dataset (`id`, when given: one another window replaced).
   */
  imagesAt(name: 'train' | 'valid', indices: readonly number[], id = this.view.id): ImageView[] {
    if (id !== this.view.id) throw new Error(`those images belong to a dataset that is no longer open (${this.view.name} is open now): nothing from it is shown in their place`)
    const split = this.dataset[name]
    const bad = indices.find((index) => index >= split.count)
    if (bad !== undefined) throw new Error(`image ${bad} does not exist: the ${name} split has ${split.count} images`)
    return indices.map((index) => this.images.at(name, index))
  }
}
