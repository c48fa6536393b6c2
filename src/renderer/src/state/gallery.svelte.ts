import { SvelteMap } from 'svelte/reactivity'
import type { DatasetView, ImageView } from '../../../shared/datasets'
import { decodeBase64 } from '../lib/pixels'
import { dataset } from './dataset.svelte'
import { errorText } from '../lib/error-text'

export type Split = 'train' | 'valid'

/** One image of the grid, decoded once. */
export interface GalleryImage {
  readonly split: Split
  readonly index: number
  readonly label: number
  readonly source: string
  readonly pixels: Uint8Array
}

/** Images fetched per request: about one screen of the grid. */
export const PAGE_SIZE = 256
/** Pages kept in memory (about 20,000 images); the least recently fetched go first. */
const PAGES_KEPT = 80

interface Page {
  readonly view: DatasetView
  readonly images: readonly GalleryImage[]
}

/** An image as main sends it, its pixels decoded. */
export const decodeImage = (split: Split, image: ImageView): GalleryImage => ({ split, index: image.index, label: image.label, source: image.source, pixels: decodeBase64(image.pixels) })

/**
 * The Data view's thumbnail grid: its filter, the pages of images fetched so far (only those the
 * grid has asked for, as rows come into view), and the image opened large.
 */
class Gallery {
  split = $state<Split>('train')
  /** The class chosen, with the dataset it was chosen in: another dataset starts with every class. */
  #chosen = $state.raw<{ readonly view: DatasetView | null; readonly label: number | null }>({ view: null, label: null })
  selected = $state.raw<GalleryImage | null>(null)
  error = $state<string | null>(null)

  /** The class shown, or null for all. */
  readonly label = $derived(this.#chosen.view && this.#chosen.view.lineage === dataset.view?.lineage ? this.#chosen.label : null)
  /** How many images the filter matches: known from the dataset's counts before any page arrives. */
  readonly total = $derived.by(() => {
    const view = dataset.view
    if (!view) return 0
    return this.label === null ? view.images[this.split] : (view.classes[this.label]?.[this.split] ?? 0)
  })

  readonly #pages = new SvelteMap<string, Page>()
  readonly #loading = new Set<string>()

  /** The image at a position of the filtered list, if its page has arrived. */
  image(position: number): GalleryImage | undefined {
    const page = this.#pages.get(this.#key(Math.floor(position / PAGE_SIZE)))
    if (!page || page.view !== dataset.view) return undefined
    return page.images[position % PAGE_SIZE]
  }

  /** Fetch the pages covering positions first..last that are not here yet. */
  request(first: number, last: number): void {
    const view = dataset.view
    if (!view || last < first) return
    for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) void this.#fetch(view, page)
  }

  /** Show one class (or all, with null) of the open dataset. */
  showClass(label: number | null): void {
    this.#chosen = { view: dataset.view, label }
  }

  select(image: GalleryImage | null): void {
    this.selected = image
  }

  async #fetch(view: DatasetView, page: number): Promise<void> {
    const key = this.#key(page)
    const have = this.#pages.get(key)
    if ((have && have.view === view) || this.#loading.has(key)) return
    this.#loading.add(key)
    const split = this.split
    try {
      const reply = await window.api.imagePage({ split, label: this.label ?? undefined, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
      if (dataset.view !== view) return
      this.#pages.delete(key)
      this.#pages.set(key, { view, images: reply.images.map((image) => decodeImage(split, image)) })
      for (const old of this.#pages.keys()) {
        if (this.#pages.size <= PAGES_KEPT) break
        this.#pages.delete(old)
      }
      this.error = null
    } catch (error) {
      this.error = errorText(error)
    } finally {
      this.#loading.delete(key)
    }
  }

  #key(page: number): string {
    return `${this.split}:${this.label ?? 'all'}:${page}`
  }
}

export const gallery = new Gallery()
