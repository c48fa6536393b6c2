import { dialog, type BrowserWindow, type OpenDialogOptions, type SaveDialogOptions } from 'electron'
import type { PathPurpose } from '../shared/inference'
import { PROJECT_EXTENSION } from '../shared/projects'

/** Native file dialogs for the service, on the window when it is open: a chosen path, or null when the user cancels. */
export async function pickPathWithDialog(parent: BrowserWindow | null, purpose: PathPurpose): Promise<string | null> {
  const save = (options: SaveDialogOptions) => (parent ? dialog.showSaveDialog(parent, options) : dialog.showSaveDialog(options))
  const open = (options: OpenDialogOptions) => (parent ? dialog.showOpenDialog(parent, options) : dialog.showOpenDialog(options))
  const onnx = [{ name: 'ONNX model', extensions: ['onnx'] }]
  const project = [{ name: 'Digit Lab project', extensions: [PROJECT_EXTENSION] }]
  switch (purpose) {
    case 'export-onnx': {
      const { canceled, filePath } = await save({ title: 'Export model', defaultPath: 'digit-model.onnx', filters: onnx })
      return canceled || !filePath ? null : filePath
    }
    case 'open-onnx': {
      const { canceled, filePaths } = await open({ title: 'Open a model', filters: onnx, properties: ['openFile'] })
      return canceled ? null : (filePaths[0] ?? null)
    }
    case 'save-project': {
      const { canceled, filePath } = await save({ title: 'Save project', defaultPath: `digits.${PROJECT_EXTENSION}`, filters: project })
      return canceled || !filePath ? null : filePath
    }
    case 'open-project': {
      const { canceled, filePaths } = await open({ title: 'Open a project', filters: project, properties: ['openFile'] })
      return canceled ? null : (filePaths[0] ?? null)
    }
    case 'export-pytorch': {
      const properties: OpenDialogOptions['properties'] = ['openDirectory', 'createDirectory', 'promptToCreate']
      const { canceled, filePaths } = await open({ title: 'Export as a PyTorch project: choose a new or empty folder', buttonLabel: 'Export here', properties })
      return canceled ? null : (filePaths[0] ?? null)
    }
    case 'open-folder': {
      const { canceled, filePaths } = await open({ title: 'Open a folder of digits', properties: ['openDirectory'] })
      return canceled ? null : (filePaths[0] ?? null)
    }
  }
}
