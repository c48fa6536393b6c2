import type { ProjectView, PytorchExportReply } from '../../../shared/projects'
import { hasDialogs } from '../lib/platform'
import { project } from './project.svelte'
import { errorText } from '../lib/error-text'

/**
 * Export → PyTorch project: the run held written as train.py, its data and weights in a new or empty folder on this
 * machine. Desktop: the folder dialog; browser: a full path typed (the server writes on the machine it runs on).
 */
class PytorchExportState {
  busy = $state(false)
  error = $state<string | null>(null)
  #exported = $state.raw<{ reply: PytorchExportReply; of: ProjectView } | null>(null)

  /** The last export, while the project it wrote is the one held (a new run or project hides it). */
  readonly result = $derived(this.#exported && this.#exported.of === project.view ? this.#exported.reply : null)

  /** Why there is nothing to export now, or null: a trained run whose data is open. */
  readonly blocker = $derived.by((): string | null => {
    const view = project.view
    if (!view) return 'Train a model or open a project first.'
    if (view.config.model.kind === 'pixel') return 'Pixel similarity learns nothing by gradient descent: there is no training to export.'
    return view.continuable ? null : view.problem
  })

  async export(typedPath: string): Promise<void> {
    if (this.busy || this.blocker) return
    const path = hasDialogs() ? await window.api.pickPath('export-pytorch') : typedPath.trim()
    if (!path) {
      if (!hasDialogs()) this.error = 'Type the full path of a new (or empty) folder on this machine first.'
      return
    }
    this.busy = true
    this.error = null
    this.#exported = null
    try {
      const of = project.view
      const reply = await window.api.exportPytorch({ path })
      if (of) this.#exported = { reply, of }
    } catch (error) {
      this.error = errorText(error)
    } finally {
      this.busy = false
    }
  }
}

export const pytorchExport = new PytorchExportState()
