import * as v from 'valibot'
import { CollectLabelSchema, type CollectionView, type CollectTarget } from '../../../shared/collect'
import { encodeBase64 } from '../lib/pixels'
import { errorText } from '../lib/error-text'
import { PAD_SIDE } from '../lib/strokes'
import { drawing } from './drawing.svelte'

/** The digits Collect asks for when no model says its labels. */
export const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const

/**
 * The labels a drawing can be kept as: the model's, the ten digits and the folder's classes (those that are
 * safe folder names), in natural order.
 */
export function keepableLabels(modelLabels: readonly string[], folderLabels: readonly string[]): string[] {
  const all = new Set([...modelLabels, ...DIGITS, ...folderLabels].filter((label) => v.is(CollectLabelSchema, label)))
  return [...all].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
}

/** A drawing saved in this Collect round: what undo takes back. */
interface Kept {
  readonly file: string
  readonly label: string
}

/**
 * Drawings kept as data: where they go (the personal dataset or the open folder), the counts there,
 * one-click saves of the pad, undo; and Collect mode, which asks for each chosen digit in turn, N of each.
 */
class Collecting {
  target = $state<CollectTarget>('personal')
  view = $state.raw<CollectionView | null>(null)
  busy = $state(false)
  error = $state<string | null>(null)
  /** What the last save or undo did, in words (read out by a live region). */
  notice = $state<string | null>(null)

  /** Collect mode: on, the digits asked for, how many of each, and this round's drawings. */
  mode = $state(false)
  digits = $state<string[]>([...DIGITS])
  perClass = $state(5)
  round = $state.raw<readonly Kept[]>([])

  /** Drawings this round asks for in all, and the digit asked for now (null once done). */
  readonly total = $derived(this.digits.length * this.perClass)
  readonly asked = $derived(this.round.length < this.total && this.digits.length > 0 ? this.digits[this.round.length % this.digits.length] : null)
  readonly finished = $derived(this.mode && this.total > 0 && this.round.length >= this.total)
  /** This round's drawings per digit asked for. */
  readonly roundCounts = $derived(this.digits.map((label) => ({ label, count: this.round.filter((kept) => kept.label === label).length })))

  /** Ask main where drawings of the target go now and what is there. */
  async refresh(): Promise<void> {
    try {
      this.view = await window.api.collection({ target: this.target })
    } catch (error) {
      this.error = errorText(error)
    }
  }

  choose(target: CollectTarget): void {
    this.target = target
    this.error = null
    this.notice = null
    void this.refresh()
  }

  /** Keep the pad's drawing as `label` (the pad at its own size, ink bright on black), then clear the pad. */
  async save(label: string): Promise<void> {
    if (this.busy || drawing.empty) return
    const pixels = encodeBase64(drawing.raster)
    const strokes = drawing.strokes
    await this.#work(async () => {
      const saved = await window.api.saveDrawing({ pixels, width: PAD_SIDE, height: PAD_SIDE, label, target: this.target })
      this.view = saved
      if (this.mode) this.round = [...this.round, { file: saved.file, label }]
      this.notice = `Saved as ${label}: ${saved.file.split(/[\\/]/).pop()}`
      // NOTE: only the drawing saved: strokes begun while it was being written stay on the pad.
      if (drawing.strokes === strokes) drawing.clear()
    })
  }

  /** Collect mode's Enter: keep the drawing as the digit asked for. */
  keep(): void {
    if (this.mode && this.asked) void this.save(this.asked)
  }

  /** Delete the last drawing saved (this round's in Collect mode): only files Digit Lab just wrote. */
  async undo(): Promise<void> {
    const file = this.mode ? this.round.at(-1)?.file : undefined
    if (this.busy || (this.mode && !file)) return
    await this.#work(async () => {
      const undone = await window.api.undoDrawing({ target: this.target, file })
      this.view = undone
      this.round = this.round.filter((kept) => kept.file !== undone.file)
      this.notice = `Took back the last ${undone.label}`
    })
  }

  /** Start Collect mode afresh with the digits and count chosen. */
  start(): void {
    this.mode = true
    this.round = []
    this.notice = null
    drawing.clear()
  }

  stop(): void {
    this.mode = false
    this.round = []
  }

  toggleDigit(label: string): void {
    const chosen = this.digits.includes(label) ? this.digits.filter((d) => d !== label) : [...this.digits, label]
    this.digits = DIGITS.filter((d) => chosen.includes(d))
  }

  /** Show the folder in the system's file manager (desktop); a browser says where it is instead. */
  async show(): Promise<void> {
    await this.#work(async () => {
      const problem = await window.api.showCollection({ target: this.target })
      if (problem) this.error = problem
    })
  }

  async #work(work: () => Promise<void>): Promise<void> {
    this.busy = true
    this.error = null
    try {
      await work()
    } catch (error) {
      this.error = errorText(error)
    } finally {
      this.busy = false
    }
  }
}

export const collecting = new Collecting()
