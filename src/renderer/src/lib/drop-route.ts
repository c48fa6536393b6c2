import { isDatasetFileName } from '../../../shared/dataset-files'
import { PROJECT_EXTENSION } from '../../../shared/projects'

/** One thing dropped or chosen: its file, and whether that is a folder. */
export interface DroppedItem {
  readonly file: File
  readonly folder: boolean
}

/** Where what was dropped or chosen goes: the dataset, the project or the model; or why nowhere. */
export type DropRoute =
  | { readonly to: 'dataset' }
  | { readonly to: 'project' | 'model'; readonly file: File }
  | { readonly to: 'refused'; readonly message: string }

/** The files that open on their own, by extension (as the upload store checks them: in this case). */
const ONE_FILE = { project: `.${PROJECT_EXTENSION}`, model: '.onnx' } as const

const oneFileKind = (item: DroppedItem): 'project' | 'model' | null =>
  item.folder ? null : item.file.name.endsWith(ONE_FILE.project) ? 'project' : item.file.name.endsWith(ONE_FILE.model) ? 'model' : null

/**
 * The one rule every drop target and file chooser follows, by what the items are wherever they land:
 * folders and data files (images, a pixel CSV, IDX files) are a dataset, one `.digitlab` file a
 * project, one `.onnx` file a model. Anything else is refused with a message naming it; null for a
 * drop that held no files (dragged text).
 */
export function dropRoute(items: readonly DroppedItem[]): DropRoute | null {
  if (items.length === 0) return null
  const [first] = items
  const kind = oneFileKind(first)
  if (kind && items.length === 1) return { to: kind, file: first.file }
  const alone = items.find((item) => oneFileKind(item) !== null)
  if (alone) return { to: 'refused', message: `${alone.file.name} opens on its own: drop or choose it without the other files` }
  const stranger = items.find((item) => !item.folder && !isDatasetFileName(item.file.name))
  if (stranger) return { to: 'refused', message: `${stranger.file.name} is not a folder of images, a .${PROJECT_EXTENSION} project or an .onnx model` }
  return { to: 'dataset' }
}
