import type { EngineStatus } from '../../../shared/api'
import { errorText } from '../lib/error-text'

/** The five views, in sidebar order (their number is their shortcut). */
export const VIEWS = [
  { id: 'data', title: 'Data', hint: 'Open a dataset and look at its images' },
  { id: 'train', title: 'Train', hint: 'Pick a model and train it' },
  { id: 'draw', title: 'Draw', hint: 'Draw a digit for the model to classify' },
  { id: 'export', title: 'Export', hint: 'Save the model as ONNX' },
  { id: 'lab', title: 'Lab', hint: 'See inside the training: every step of the chapter, live on your data' },
] as const

export type ViewId = (typeof VIEWS)[number]['id']

/** The window around the views: which view shows, the engine's self-check, the About dialog. */
class Shell {
  view = $state<ViewId>('data')
  engine = $state.raw<EngineStatus | null>(null)
  engineFailure = $state<string | null>(null)
  /** Whether the About dialog shows (Help › About). */
  aboutOpen = $state(false)

  /** Ask the engine for its status once, at startup. */
  async checkEngine(): Promise<void> {
    try {
      this.engine = await window.api.engineStatus()
    } catch (error) {
      this.engineFailure = errorText(error)
    }
  }
}

export const shell = new Shell()
