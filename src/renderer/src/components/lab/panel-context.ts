import { getContext, setContext } from 'svelte'
import type { LabPanelEntry } from './registry'

// NOTE: a context, not an import, because the registry imports every panel and every panel draws a LabPanel.
const KEY = Symbol('lab panel')

/** The Lab view says which registry entry it is drawing; the LabPanel inside reads its heading from it. */
export function provideLabPanel(current: () => LabPanelEntry): void {
  setContext(KEY, current)
}

/** The registry entry of the panel being drawn. */
export function currentLabPanel(): LabPanelEntry {
  const current = getContext<(() => LabPanelEntry) | undefined>(KEY)
  if (!current) throw new Error('A LabPanel is drawn only inside the Lab view.')
  return current()
}
