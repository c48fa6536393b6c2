import { MediaQuery } from 'svelte/reactivity'
import { THEME_CHOICES, type ThemeChoice } from '../../../shared/menu'
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


const STORAGE_KEY = 'digit-lab.theme'

function storedChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(STORAGE_KEY)
    return THEME_CHOICES.find((choice) => choice === stored) ?? 'system'
  } catch {
    return 'system'
  }
}

/**
 * The theme: the person's choice, kept in localStorage across reloads and launches, or the system's. The one
 * control of it: the sidebar's picker and the desktop menu's Appearance both come here, and the desktop app hears
 * every choice (its menu's radios, its native dialogs and title bar follow).
 */
class Theme {
  readonly #systemDark = new MediaQuery('(prefers-color-scheme: dark)', false)
  #choice = $state<ThemeChoice>('system')

  constructor() {
    this.choose(storedChoice())
  }

  get choice(): ThemeChoice {
    return this.#choice
  }

  get dark(): boolean {
    return this.#choice === 'system' ? this.#systemDark.current : this.#choice === 'dark'
  }

  get colours(): CanvasColours {
    return this.dark ? DARK : LIGHT
  }

  /** Use `choice` from now on, here and in every later session; the CSS reads it from `<html data-theme>`. */
  choose(choice: ThemeChoice): void {
    this.#choice = choice
    if (choice === 'system') delete document.documentElement.dataset.theme
    else document.documentElement.dataset.theme = choice
    window.desktop?.setTheme(choice)
    try {
      localStorage.setItem(STORAGE_KEY, choice)
    } catch {
      // Storage may be off (a private window): the choice then lasts this session only.
    }
  }
}

export const theme = new Theme()
