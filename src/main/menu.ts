import type { MenuItemConstructorOptions } from 'electron'
import { MENU_VIEWS, type MenuCommand, type ThemeChoice } from '../shared/menu'

/** What the menu needs from the app; every click is one of these calls, so the template is plain data. */
export interface MenuOptions {
  readonly platform: NodeJS.Platform
  readonly appName: string
  /** Tell the renderer what was chosen. */
  readonly send: (command: MenuCommand) => void
  /** The theme the page shows now (its Appearance radio is checked); choosing one tells the page, which owns it. */
  readonly theme: ThemeChoice
  /** Development builds keep Reload and the developer tools. */
  readonly dev: boolean
}

const THEMES: readonly { readonly source: ThemeChoice; readonly label: string }[] = [
  { source: 'system', label: 'Follow the System' },
  { source: 'light', label: 'Light' },
  { source: 'dark', label: 'Dark' },
]

/**
 * The application menu: File (open a folder or a model, save and open projects, export, quit), Edit (so text fields keep
 * copy and paste on a Mac), View (each view, the theme) and Help. A pure function of its options,
 * so it is tested without Electron; `Menu.buildFromTemplate` turns it into the real menu.
 */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { send, platform } = options
  const mac = platform === 'darwin'
  const about: MenuItemConstructorOptions = { label: `About ${options.appName}`, click: () => send('about') }
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => send('open-folder') },
      { label: 'Open Model…', accelerator: 'CmdOrCtrl+Shift+O', click: () => send('open-model') },
      { type: 'separator' },
      // NOTE: Ctrl/⌘+O is Open Folder's and Ctrl/⌘+Shift+O Open Model's, so Open Project's is the third of the family.
      { label: 'Open Project…', accelerator: 'CmdOrCtrl+Alt+O', click: () => send('open-project') },
      { label: 'Save Project…', accelerator: 'CmdOrCtrl+S', click: () => send('save-project') },
      { type: 'separator' },
      { label: 'Export Model…', accelerator: 'CmdOrCtrl+E', click: () => send('export-model') },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: 'Quit' } as const]),
    ],
  }
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...MENU_VIEWS.map((item, i): MenuItemConstructorOptions => ({ label: item.label, accelerator: `CmdOrCtrl+${i + 1}`, click: () => send(`show:${item.id}`) })),
      { type: 'separator' },
      {
        label: 'Appearance',
        submenu: THEMES.map((theme) => ({ label: theme.label, type: 'radio', checked: theme.source === options.theme, click: () => send(`theme:${theme.source}`) })),
      },
      { type: 'separator' },
      ...(options.dev ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const] : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  }
  const help: MenuItemConstructorOptions = { role: 'help', submenu: [about] }
  const appMenu: MenuItemConstructorOptions = {
    label: options.appName,
    submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
  }
  return [...(mac ? [appMenu] : []), file, { role: 'editMenu' }, view, help]
}
