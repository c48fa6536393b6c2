import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it } from 'vitest'
import { menuTemplate, type MenuOptions } from '../src/main/menu'
import { MENU_VIEWS, menuView, type MenuCommand } from '../src/shared/menu'

/** The template for a platform, with every command sent and theme set recorded. */
function build(platform: NodeJS.Platform, overrides: Partial<MenuOptions> = {}) {
  const sent: MenuCommand[] = []
  const template = menuTemplate({ platform, appName: 'Digit Lab', dev: false, theme: 'system', send: (command) => sent.push(command), ...overrides })
  return { template, sent }
}

const submenu = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] => (Array.isArray(item?.submenu) ? item.submenu : [])
const top = (template: MenuItemConstructorOptions[], label: string) => template.find((item) => item.label === label || item.role === label)
/** Every item of the menu, submenus included. */
const everyItem = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] => items.flatMap((item) => [item, ...everyItem(submenu(item))])
const click = (item: MenuItemConstructorOptions | undefined): void => (item?.click as (() => void) | undefined)?.()
const labelled = (items: MenuItemConstructorOptions[], label: string) => {
  const found = everyItem(items).find((item) => item.label === label)
  if (!found) throw new Error(`no menu item "${label}"`)
  return found
}

describe('the application menu', () => {
  it('has File, Edit, View and Help on Windows and Linux, with Quit at the end of File', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const { template } = build(platform)
      expect(template.map((item) => item.label ?? item.role)).toEqual(['File', 'editMenu', 'View', 'help'])
      expect(submenu(top(template, 'File')).at(-1)).toMatchObject({ role: 'quit' })
    }
  })

  it('puts About and Quit in the app menu on a Mac, as Mac apps do', () => {
    const { template } = build('darwin')
    expect(template.map((item) => item.label ?? item.role)).toEqual(['Digit Lab', 'File', 'editMenu', 'View', 'help'])
    expect(submenu(template[0]).map((item) => item.label ?? item.role ?? item.type)).toEqual(['About Digit Lab', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit'])
    expect(submenu(top(template, 'File')).some((item) => item.role === 'quit')).toBe(false)
  })

  it('sends each File and Help command to the renderer', () => {
    const { template, sent } = build('linux')
    for (const label of ['Open Folder…', 'Open Model…', 'Open Project…', 'Save Project…', 'Export Model…', 'About Digit Lab']) click(labelled(template, label))
    expect(sent).toEqual(['open-folder', 'open-model', 'open-project', 'save-project', 'export-model', 'about'])
  })

  it('opens a folder, a model and a project with Ctrl/⌘+O, with Shift and with Alt, and saves and exports with Ctrl/⌘+S and +E', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const { template } = build(platform)
      const shortcuts = ['Open Folder…', 'Open Model…', 'Open Project…', 'Save Project…', 'Export Model…'].map((label) => labelled(template, label).accelerator)
      expect(shortcuts).toEqual(['CmdOrCtrl+O', 'CmdOrCtrl+Shift+O', 'CmdOrCtrl+Alt+O', 'CmdOrCtrl+S', 'CmdOrCtrl+E'])
    }
  })

  it('shows every view of the sidebar, in its order, with Ctrl/⌘ and its number', () => {
    const { template, sent } = build('linux')
    const views = submenu(top(template, 'View')).filter((item) => item.click && item.type !== 'radio')
    expect(views.map((item) => item.label)).toEqual(MENU_VIEWS.map((view) => view.label))
    expect(views.map((item) => item.accelerator)).toEqual(['CmdOrCtrl+1', 'CmdOrCtrl+2', 'CmdOrCtrl+3', 'CmdOrCtrl+4', 'CmdOrCtrl+5'])
    views.forEach(click)
    expect(sent.map(menuView)).toEqual(MENU_VIEWS.map((view) => view.id))
  })

  it('shows the page’s theme checked, and asks the page (which owns the theme) for the one picked', () => {
    const { template, sent } = build('linux', { theme: 'dark' })
    const radios = submenu(labelled(template, 'Appearance'))
    expect(radios.map((item) => [item.label, item.type, item.checked])).toEqual([
      ['Follow the System', 'radio', false],
      ['Light', 'radio', false],
      ['Dark', 'radio', true],
    ])
    radios.forEach(click)
    expect(sent).toEqual(['theme:system', 'theme:light', 'theme:dark'])
  })

  it('gives no two items the same shortcut, and keeps Reload and the developer tools to development builds', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const accelerators = everyItem(build(platform).template).flatMap((item) => (item.accelerator ? [String(item.accelerator)] : []))
      expect(new Set(accelerators).size).toBe(accelerators.length)
    }
    const roles = (dev: boolean) => everyItem(build('linux', { dev }).template).map((item) => item.role)
    expect(roles(false)).not.toContain('toggleDevTools')
    expect(roles(false)).not.toContain('reload')
    expect(roles(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']))
  })
})
