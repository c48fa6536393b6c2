import * as v from 'valibot'
import { ImportSettingsSchema, type ImportSettings } from '../../../shared/datasets'

const KEY = 'digit-lab-import-settings'
/** Folders remembered at most: the oldest is forgotten first. */
const MOST = 50
const MemorySchema = v.record(v.string(), ImportSettingsSchema)

/** Every folder's last import settings, by the path it was opened by; nothing when storage is unreadable. */
function recall(): Record<string, ImportSettings> {
  try {
    const parsed = v.safeParse(MemorySchema, JSON.parse(localStorage.getItem(KEY) ?? '{}'))
    return parsed.success ? parsed.output : {}
  } catch {
    return {}
  }
}

/** The import settings last chosen for the folder at `path` (validation share, split seed, polarity, resizing), or none. */
export function rememberedSettings(path: string): ImportSettings {
  return recall()[path] ?? {}
}

/**
 * Keep the settings a folder opened by its path was imported with, so opening it by that path again brings
 * them back (an uploaded folder is a new private copy each time: its settings are not kept).
 */
export function rememberSettings(path: string, settings: ImportSettings): void {
  const { [path]: _, ...others } = recall()
  const kept = Object.entries({ ...others, [path]: settings }).slice(-MOST)
  try {
    localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(kept)))
  } catch {
    // NOTE: storage full or denied: the settings are simply not remembered.
  }
}
