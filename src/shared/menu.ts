/** The views the application menu can show, in the sidebar's order, with their menu labels. */
export const MENU_VIEWS = [
  { id: 'data', label: 'Data' },
  { id: 'train', label: 'Train' },
  { id: 'draw', label: 'Draw' },
  { id: 'export', label: 'Export' },
  { id: 'lab', label: 'Lab' },
] as const

export type MenuView = (typeof MENU_VIEWS)[number]['id']

/** What an application-menu item asks the renderer to do (Quit and the theme stay in main). */
export type MenuCommand = 'open-folder' | 'open-model' | 'export-model' | 'save-project' | 'open-project' | 'about' | `show:${MenuView}`

/** The view a `show:` command names, or null for any other command. */
export function menuView(command: MenuCommand): MenuView | null {
  return command.startsWith('show:') ? (command.slice('show:'.length) as MenuView) : null
}
