/** The views the application menu can show, in the sidebar's order, with their menu labels. */
export const MENU_VIEWS = [
  { id: 'data', label: 'Data' },
  { id: 'train', label: 'Train' },
  { id: 'draw', label: 'Draw' },
  { id: 'export', label: 'Export' },
  { id: 'lab', label: 'Lab' },
] as const

export type MenuView = (typeof MENU_VIEWS)[number]['id']

/** The themes a person can choose; `system` follows the system's colour scheme live. */
export const THEME_CHOICES = ['system', 'light', 'dark'] as const
export type ThemeChoice = (typeof THEME_CHOICES)[number]

/**
 * The desktop app's one message from the page outside the api: the theme the person chose (in the sidebar or
 * through the menu), so the menu's Appearance radios and the native parts (dialogs, title bar) follow it.
 */
export const THEME_CHANNEL = 'desktop:theme'

/** What an application-menu item asks the renderer to do (Quit stays in main; the page owns the theme). */
export type MenuCommand = 'open-folder' | 'open-model' | 'export-model' | 'save-project' | 'open-project' | 'about' | `show:${MenuView}` | `theme:${ThemeChoice}`

/** The view a `show:` command names, or null for any other command. */
export function menuView(command: MenuCommand): MenuView | null {
  return command.startsWith('show:') ? (command.slice('show:'.length) as MenuView) : null
}
