import { HANDWRITING_CHANNELS } from './handwriting-channels'
import { LAB_CHANNELS } from './lab-channels'

/**
 * The channel (`domain:verb`) of every api function. Kept free of imports (but the import-free Lab
 * channels) so that the sandboxed preload can bundle it alone; `api.ts` pairs each name with its
 * argument schema.
 */
export const API_CHANNELS = {
  engineStatus: 'engine:status',
  openSample: 'dataset:open-sample',
  openFolder: 'dataset:open-folder',
  imagePage: 'dataset:image-page',
  imagesAt: 'dataset:images-at',
  currentDataset: 'dataset:current',
  correctImage: 'dataset:correct-image',
  undoCorrection: 'dataset:undo-correction',
  correctImages: 'dataset:correct-images',
  reimportDataset: 'dataset:reimport',
  augmentPreview: 'dataset:augment-preview',
  startTraining: 'training:start',
  planTraining: 'training:plan',
  stopTraining: 'training:stop',
  lrFind: 'training:lr-find',
  interpretation: 'training:interpretation',
  currentModel: 'model:current',
  openModel: 'model:open',
  classify: 'model:classify',
  exportOnnx: 'model:export-onnx',
  pickPath: 'dialog:pick-path',
  saveProject: 'project:save',
  openProject: 'project:open',
  currentProject: 'project:current',
  continueTraining: 'project:continue-training',
  exportPytorch: 'project:export-pytorch',
  runs: 'training:runs',
  saveDrawing: 'collect:save-drawing',
  collection: 'collect:view',
  undoDrawing: 'collect:undo',
  openCollection: 'collect:open',
  showCollection: 'collect:show',
  ...LAB_CHANNELS,
  ...HANDWRITING_CHANNELS,
} as const

export type ApiName = keyof typeof API_CHANNELS

/** Channel on which main pushes AppEvents to the renderer. */
export const EVENT_CHANNEL = 'app:event'
