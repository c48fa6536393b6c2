import type { IpcMainInvokeEvent, WebContents } from 'electron'

/** `scheme://host[:port]` of a URL (for `app://digit-lab` too, whose WHATWG origin is opaque), or null. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url)
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null
  } catch {
    return null
  }
}

/**
 * Whether an IPC message comes from our window's main frame showing our own page: the same
 * webContents, its top frame (never an iframe), at the app's origin.
 */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, window: Pick<WebContents, 'mainFrame'>, origin: string): boolean {
  const frame = event.senderFrame
  return event.sender === window && frame !== null && frame === window.mainFrame && originOf(frame.url) === origin
}
