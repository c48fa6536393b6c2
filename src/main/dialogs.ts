import { dialog, type BrowserWindow } from 'electron'
import type { PathPurpose } from '../shared/inference'
import { PROJECT_EXTENSION } from '../shared/projects'

/** Native file dialogs for the service: a chosen path, or null when the user cancels. */
export async function pickPathWithDialog(window: BrowserWindow, purpose: PathPurpose): Promise<string | null> {
  const onnx = [{ name: 'ONNX model', extensions: ['onnx'] }]
  const project = [{ name: 'Digit Lab project', extensions: [PROJECT_EXTENSION] }]
  switch (purpose) {
    case 'export-onnx': {
      const { canceled, filePath } = await dialog.showSaveDialog(window, { title: 'Export model', defaultPath: 'digit-model.onnx', filters: onnx })
      return canceled || !filePath ? null : filePath
    }
    case 'open-onnx': {
      const { canceled, filePaths } = await dialog.showOpenDialog(window, { title: 'Open a model', filters: onnx, properties: ['openFile'] })
      return canceled ? null : (filePaths[0] ?? null)
    }
    case 'save-project': {
      const { canceled, filePath } = await dialog.showSaveDialog(window, { title: 'Save project', defaultPath: `digits.${PROJECT_EXTENSION}`, filters: project })
      return canceled || !filePath ? null : filePath
    }
    case 'open-project': {
      const { canceled, filePaths } = await dialog.showOpenDialog(window, { title: 'Open a project', filters: project, properties: ['openFile'] })
      return canceled ? null : (filePaths[0] ?? null)
    }
    case 'open-folder': {
      const { canceled, filePaths } = await dialog.showOpenDialog(window, { title: 'Open a folder of digits', properties: ['openDirectory'] })
      return canceled ? null : (filePaths[0] ?? null)
    }
  }
}
