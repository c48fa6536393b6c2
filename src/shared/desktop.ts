import type { ThemeChoice } from './menu'

/**
 * What only the desktop app's preload offers the page as `window.desktop` (absent in a browser): where a
 * dropped file or folder lives on disk, and the theme the page chose, for the menu and the native parts.
 */
export interface DesktopApi {
  pathForFile(file: File): string
  setTheme(choice: ThemeChoice): void
}
