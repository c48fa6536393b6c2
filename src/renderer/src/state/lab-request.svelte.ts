import type { DatasetView } from '../../../shared/datasets'
import type { ImageRef } from '../../../shared/lab'
import { dataset } from './dataset.svelte'
import { errorText } from '../lib/error-text'

/** An error as a sentence to show. */

/**
 * One kind of request a panel makes, and its latest reply: a reply belongs to the dataset it was
 * computed on, so another dataset shows none until the panel asks again.
 */
export class LabRequest<R> {
  #entry = $state.raw<{ readonly view: DatasetView | null; readonly reply: R } | null>(null)
  busy = $state(false)
  error = $state<string | null>(null)

  readonly reply = $derived(this.#entry && this.#entry.view === dataset.view ? this.#entry.reply : null)

  /** Ask main; the reply replaces the last one, an error is kept to show. */
  async run(call: () => Promise<R>): Promise<R | null> {
    const view = dataset.view
    this.busy = true
    this.error = null
    try {
      const reply = await call()
      this.#entry = { view, reply }
      return reply
    } catch (error) {
      this.error = errorText(error)
      return null
    } finally {
      this.busy = false
    }
  }
}

/** An image picked in a panel: a split and a position, kept within the open dataset. */
export class ImageChoice {
  ref = $state<ImageRef>({ split: 'valid', index: 0 })

  /** How many images the chosen split has. */
  get count(): number {
    return dataset.view?.images[this.ref.split] ?? 0
  }

  /** The same split at another position, wrapped into range. */
  at(index: number): ImageRef {
    const n = Math.max(1, this.count)
    return { split: this.ref.split, index: ((Math.trunc(index) % n) + n) % n }
  }
}
