/// <reference types="svelte" />
import type { Api } from '../../shared/api'
import type { ThemeChoice } from '../../shared/menu'

declare global {
  interface Window {
    api: Api
    /** What only the desktop app's preload offers: where a dropped file or folder lives; the theme for the menu. Absent in a browser. */
    desktop?: { pathForFile(file: File): string; setTheme(choice: ThemeChoice): void }
  }
}
