import type { Shell } from 'electron'

/** The only sites Digit Lab opens in the system browser: its own home and the references it cites. */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com', 'docs.fast.ai', 'course.fast.ai', 'onnx.ai', 'onnxruntime.ai', 'netron.app']

/** The URL in normal form if it is https, on the allow-list, with no credentials or port; else null. */
export function allowedExternalUrl(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  const plain = parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.port === ''
  return plain && EXTERNAL_HOSTS.includes(parsed.hostname) ? parsed.href : null
}

/**
 * Open a link in the system browser if it is allowed; say whether it was. The one place the app
 * calls `shell.openExternal` (test/security/source-rules.test.ts keeps it so).
 */
export function openExternalIfAllowed(shell: Pick<Shell, 'openExternal'>, url: string): boolean {
  const allowed = allowedExternalUrl(url)
  if (allowed === null) return false
  void shell.openExternal(allowed).catch(() => undefined)
  return true
}
