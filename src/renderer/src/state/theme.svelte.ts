import { MediaQuery } from 'svelte/reactivity'
import type { InkPalette } from '../lib/pixels'

/** Colours the canvases draw with (the DOM takes its colours from the CSS tokens in app.css). */
export interface CanvasColours {
  /** Digit images: the paper and the ink. */
  readonly digit: InkPalette
  readonly accent: string
  readonly text: string
  readonly muted: string
  readonly grid: string
  readonly good: string
  readonly warn: string
}

const LIGHT: CanvasColours = {
  digit: { paper: [245, 246, 249], ink: [26, 29, 35] },
  accent: '#4f5bd5',
  text: '#1a1d23',
  muted: '#5d6573',
  grid: '#e6e8ee',
  good: '#177245',
  warn: '#c27400',
}

const DARK: CanvasColours = {
  digit: { paper: [18, 20, 24], ink: [236, 238, 243] },
  accent: '#8b93f5',
  text: '#e7e9ee',
  muted: '#9aa2b1',
  grid: '#2b3038',
  good: '#5fcf94',
  warn: '#e8b15a',
}

/** The system's colour scheme, followed live. */
class Theme {
  readonly #dark = new MediaQuery('(prefers-color-scheme: dark)', false)

  get dark(): boolean {
    return this.#dark.current
  }

  get colours(): CanvasColours {
    return this.dark ? DARK : LIGHT
  }
}

export const theme = new Theme()
