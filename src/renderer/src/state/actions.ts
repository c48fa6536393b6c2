import { dataset } from './dataset.svelte'
import { trainForm } from './train-form.svelte'
import { training } from './training.svelte'

/** Why Train cannot run now, or null when it can. */
export function trainBlocker(): string | null {
  if (!dataset.view) return 'Open a dataset first (Data view).'
  if (dataset.importing) return 'Wait for the import to finish.'
  if (training.active) return 'A run is in progress.'
  if (!trainForm.valid) return 'Fix the highlighted settings first.'
  return null
}

/** Train the form's model on the open dataset, if nothing stands in the way. */
export function trainNow(): void {
  if (trainBlocker() === null) void training.start(trainForm.config)
}
