/// <reference types="svelte" />
import type { Api } from '../../shared/api'

declare global {
  interface Window {
    api: Api
    /** What only the desktop app's preload offers: where a dropped file or folder lives. Absent in a browser. */
    desktop?: { pathForFile(file: File): string }
  }
}
