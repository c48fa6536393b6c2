import type { CustomScheme } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'
import { readStaticFile } from '../renderer-files'

/** The scheme and host the Electron window loads the renderer from: `app://digit-lab/index.html`. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'digit-lab'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

/**
 * The scheme as a standard, secure origin (so `'self'`, fetch and the same-origin policy work as
 * on https), registered before the app is ready. NOTE: no `bypassCSP` and no `corsEnabled`.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }

const refusal = (status: number): Response => new Response(status === 404 ? 'not found' : 'refused', { status, headers: { 'content-type': 'text/plain' } })

/**
 * The `app://` handler: files of the built renderer only (the path-traversal guard of
 * `readStaticFile`), each with the app's Content-Security-Policy; anything else is refused.
 */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url)
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refusal(404)
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405)
    const file = await readStaticFile(rendererDir, url.pathname).catch(() => null)
    if (!file) return refusal(404)
    return new Response(new Uint8Array(file.body), {
      headers: { 'content-type': file.contentType, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
    })
  }
}
