import { runInProgress } from '../../../shared/training'
import type { FolderFile } from '../api/folder-upload'
import { dropRoute, type DropRoute, type DroppedItem } from '../lib/drop-route'
import { chosenFiles, droppedFiles } from '../lib/dropped-files'
import { dataset } from './dataset.svelte'
import { lrFinder } from './lr-finder.svelte'
import { model } from './model.svelte'
import { project } from './project.svelte'
import { shell } from './shell.svelte'
import { training } from './training.svelte'
import { errorText } from '../lib/error-text'


/**
 * Open what was routed, in the view that shows it, or say why not. A run in progress (training or a
 * sweep) refuses a project or a dataset in main's own words before anything is uploaded: the run
 * goes on, and an uploaded folder it trains on is not replaced. `openData` opens a dataset's files.
 */
function openRouted(route: DropRoute | null, openData: () => void): string | null {
  if (route === null) return null
  if (route.to === 'refused') return route.message
  if (route.to !== 'model' && (training.active || lrFinder.active)) return runInProgress(route.to === 'project' ? 'opening a project' : 'opening another dataset')
  if (route.to === 'project') {
    shell.view = 'export'
    void project.file.openFile(route.file)
  } else if (route.to === 'model') {
    shell.view = 'draw'
    void model.file.openFile(route.file)
  } else {
    shell.view = 'data'
    openData()
  }
  return null
}

/**
 * Open what a drop holds, wherever it landed (`dropRoute`'s rule); the refusal to show where it
 * landed, or null. A folder dropped in the desktop app opens where it lives; a browser hides the
 * path, so its files are uploaded. The entries are taken now, while the drop event runs; walking them may take longer.
 */
export function openDropped(data: DataTransfer): string | null {
  const held = Array.from(data.items).filter((item) => item.kind === 'file')
  const entries = held.map((item) => item.webkitGetAsEntry())
  const items = held.flatMap((item, i): DroppedItem[] => {
    const file = item.getAsFile()
    return file ? [{ file, folder: entries[i]?.isDirectory ?? false }] : []
  })
  // Without entries (a browser that has none to give, or a drop made in the page) the dropped files themselves go, without folders.
  const walked = entries.filter((entry) => entry !== null)
  const files: FolderFile[] = items.map(({ file }) => ({ path: file.name, file }))
  return openRouted(dropRoute(items), () => {
    if (window.desktop) return void dataset.openFolder(window.desktop.pathForFile(items[0].file))
    void (walked.length > 0 ? droppedFiles(walked) : Promise.resolve(files)).then(
      (found) => dataset.uploadFolder(found),
      (error: unknown) => (dataset.error = `The dropped folder could not be read: ${errorText(error)}`),
    )
  })
}

/** Open what a file input chose: a folder input's files are a dataset, a file input's file goes where a drop of it would. */
export function openChosen(list: ArrayLike<File>, folder: boolean): string | null {
  const files = chosenFiles(list)
  const route: DropRoute | null = folder ? { to: 'dataset' } : dropRoute(files.map(({ file }) => ({ file, folder: false })))
  return openRouted(route, () => void dataset.uploadFolder(files))
}
