import { menuView, type MenuCommand, type ThemeChoice } from '../../../shared/menu'
import { dataset } from './dataset.svelte'
import { exporter, model } from './model.svelte'
import { project } from './project.svelte'
import { shell } from './shell.svelte'
import { theme } from './theme.svelte'

/** Do what an application-menu item asks, in the view it belongs to. */
export function runMenuCommand(command: MenuCommand): void {
  const view = menuView(command)
  if (view) {
    shell.view = view
    return
  }
  switch (command) {
    case 'open-folder':
      shell.view = 'data'
      void dataset.chooseFolder()
      break
    case 'open-model':
      shell.view = 'draw'
      void model.file.open('')
      break
    case 'export-model':
      shell.view = 'export'
      void exporter.export()
      break
    case 'save-project':
      shell.view = 'export'
      void project.save()
      break
    case 'open-project':
      shell.view = 'export'
      void project.file.open('')
      break
    case 'about':
      shell.aboutOpen = true
      break
    case 'theme:system':
    case 'theme:light':
    case 'theme:dark':
      theme.choose(command.slice('theme:'.length) as ThemeChoice)
      break
  }
}
