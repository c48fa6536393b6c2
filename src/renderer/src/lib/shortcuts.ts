/** A key combination: `mod` is ⌘ on a Mac, Ctrl elsewhere. */
export interface Shortcut {
  readonly key: string
  readonly mod?: boolean
  /** How the key is written in a tooltip. */
  readonly label: string
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent)

/** The app's shortcuts, one place for both the key handling and the tooltips. */
export const SHORTCUTS = {
  train: { key: 'Enter', mod: true, label: 'Enter' },
  stop: { key: 'Escape', label: 'Esc' },
  undo: { key: 'z', mod: true, label: 'Z' },
  clear: { key: 'Delete', label: 'Delete' },
  save: { key: 's', mod: true, label: 'S' },
  /** Draw, in Collect mode: keep the drawing as the digit asked for. */
  keep: { key: 'Enter', label: 'Enter' },
} as const satisfies Record<string, Shortcut>

/** A shortcut as people read it: "Ctrl+Enter", "⌘Enter". */
export function shortcutText(shortcut: Shortcut): string {
  if (!shortcut.mod) return shortcut.label
  return isMac ? `⌘${shortcut.label}` : `Ctrl+${shortcut.label}`
}

/** A tooltip: what a control does and its key. */
export function withShortcut(text: string, shortcut: Shortcut | string): string {
  return `${text} (${typeof shortcut === 'string' ? shortcut : shortcutText(shortcut)})`
}

/** Whether a key event is this shortcut (and no other modifier combination). */
export function matches(event: KeyboardEvent, shortcut: Shortcut): boolean {
  const mod = isMac ? event.metaKey : event.ctrlKey
  return event.key.toLowerCase() === shortcut.key.toLowerCase() && mod === Boolean(shortcut.mod) && !event.altKey
}

/** Whether the key goes to a text field (where digits and Delete must type, not switch views). */
export function typingIn(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
}
