/**
 * The Content-Security-Policy of every page Digit Lab shows: only our own scripts, no inline
 * script, no eval, no plugins, no <base> or form posts. One string for the three places that
 * state it — the `app://` protocol handler, the browser-mode server and the renderer's meta tag
 * (src/renderer/index.html, kept equal by test/security/csp.test.ts).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"
