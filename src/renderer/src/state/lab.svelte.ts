import type { DatasetView } from '../../../shared/datasets'
import type { ImageRef, LabReplies } from '../../../shared/lab'
import { dataset } from './dataset.svelte'

/** The Lab's panels, in the chapter's order. */
export const LAB_PANELS = [
  { id: 'pixels', title: 'Pixels', hint: 'Pixels and the ideal digit: distances to every class mean' },
  { id: 'broadcast', title: 'Broadcasting', hint: 'Broadcasting, traced: shapes flowing through each op' },
] as const

export type LabPanelId = (typeof LAB_PANELS)[number]['id']

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

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
      this.error = message(error)
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

/** Panel 1: an image against every class's mean image. */
class PixelsPanel {
  readonly choice = new ImageChoice()
  readonly request = new LabRequest<LabReplies['labPixels']>()

  show(ref: ImageRef): Promise<unknown> {
    this.choice.ref = ref
    return this.request.run(() => window.api.labPixels(ref))
  }

  /** Show the chosen image, unless its reply is here (or on its way). */
  ensure(): void {
    if (!this.request.reply && !this.request.busy) void this.show(this.choice.ref)
  }
}

/** Panel 2: the chapter's distance of a class's validation images to its mean, traced. */
class BroadcastPanel {
  label = $state(0)
  readonly request = new LabRequest<LabReplies['labBroadcast']>()

  show(label: number): Promise<unknown> {
    this.label = label
    return this.request.run(() => window.api.labBroadcast({ label }))
  }

  ensure(): void {
    if (!this.request.reply && !this.request.busy) void this.show(this.label < (dataset.view?.labelNames.length ?? 0) ? this.label : 0)
  }
}

/** Which panel shows, and each panel's state. */
class Lab {
  panel = $state<LabPanelId>('pixels')
  readonly pixels = new PixelsPanel()
  readonly broadcast = new BroadcastPanel()
}

export const lab = new Lab()
