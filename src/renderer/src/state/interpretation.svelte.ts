import type { DatasetView } from '../../../shared/datasets'
import type { InterpretationView } from '../../../shared/interpretation'
import { dataset } from './dataset.svelte'
import { decodeImage, type GalleryImage } from './gallery.svelte'
import { training } from './training.svelte'
import { errorText } from '../lib/error-text'

/** Images fetched per request in a cell's dialog: a few screens of thumbnails. */
export const CELL_PAGE = 120

/** An image opened large, with what the model made of it. */
export interface OpenedImage {
  readonly image: GalleryImage
  readonly detail: string
}


/** The validation images of one confusion-matrix cell: those of class `actual` the model took for `predicted`. */
export class CellImages {
  images = $state.raw<readonly GalleryImage[]>([])
  loading = $state(false)
  error = $state<string | null>(null)

  constructor(
    readonly actual: number,
    readonly predicted: number,
    /** Their positions in the validation split, in order. */
    readonly indices: readonly number[],
    /** The dataset they are positions of (main refuses them once another is open). */
    readonly dataset: number,
  ) {}

  /** Images of the cell not fetched yet. */
  get remaining(): number {
    return this.indices.length - this.images.length
  }

  /** Fetch the next page of the cell's images. */
  async more(): Promise<void> {
    if (this.loading || this.remaining <= 0) return
    this.loading = true
    this.error = null
    try {
      const indices = this.indices.slice(this.images.length, this.images.length + CELL_PAGE)
      const images = await window.api.imagesAt({ split: 'valid', indices, dataset: this.dataset })
      this.images = [...this.images, ...images.map((image) => decodeImage('valid', image))]
    } catch (error) {
      this.error = errorText(error)
    } finally {
      this.loading = false
    }
  }
}

interface Entry {
  readonly view: DatasetView
  /** The run whose model it is (null: one main held when the page loaded). */
  readonly runId: number | null
  readonly data: InterpretationView
  /** The top losses' images, by position in the validation split. */
  readonly topImages: ReadonlyMap<number, GalleryImage>
}

/**
 * Where the last trained model is wrong on the validation split (fastai's interpretation): the
 * confusion matrix, the most confused pairs and the top losses, for the run that just ended on the
 * dataset open now (after a reload, the last run main holds for it); a new run or another dataset
 * hides them until that run ends.
 */
class Interpretation {
  #entry = $state.raw<Entry | null>(null)
  loading = $state(false)
  error = $state<string | null>(null)
  /** The cell whose images the dialog shows. */
  cell = $state.raw<CellImages | null>(null)
  /** The image shown large, over the cell's dialog or the top losses. */
  opened = $state.raw<OpenedImage | null>(null)

  // A correction imports the dataset again (same lineage): the mistakes stay, their positions still served by main.
  readonly #current = $derived(this.#entry && this.#entry.view.lineage === dataset.view?.lineage && this.#entry.runId === training.runId ? this.#entry : null)
  readonly view = $derived(this.#current?.data ?? null)
  readonly topImages = $derived(this.#current?.topImages ?? new Map<number, GalleryImage>())

  /**
   * Ask main where the model of run `runId` (just finished; null for the last one main holds, after a
   * reload) is wrong on the open dataset, and fetch its top losses' images.
   */
  async load(runId: number | null): Promise<void> {
    const view = dataset.view
    if (!view) return
    this.loading = true
    this.error = null
    try {
      const data = await window.api.interpretation()
      if (!data) return
      const entry: Entry = { view, runId, data, topImages: new Map() }
      this.#entry = entry
      const images = await window.api.imagesAt({ split: 'valid', indices: data.topLosses.map((item) => item.index), dataset: view.id })
      if (this.#entry === entry) this.#entry = { ...entry, topImages: new Map(images.map((image) => [image.index, decodeImage('valid', image)])) }
    } catch (error) {
      this.error = errorText(error)
    } finally {
      this.loading = false
    }
  }

  /** Open the images of a cell (actual class, predicted class) in the dialog. */
  openCell(actual: number, predicted: number): void {
    const data = this.view
    if (!data) return
    const indices: number[] = []
    data.actual.forEach((a, i) => a === actual && data.predicted[i] === predicted && indices.push(i))
    this.cell = new CellImages(actual, predicted, indices, this.#current!.view.id)
    void this.cell.more()
  }

  closeCell(): void {
    this.cell = null
  }

  /** Show an image large; `detail` says what the model predicted. */
  open(image: GalleryImage | null, detail = ''): void {
    this.opened = image ? { image, detail } : null
  }
}

export const interpretation = new Interpretation()
