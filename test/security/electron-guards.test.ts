import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isTrustedSender, originOf } from '../../src/main/ipc/sender'
import { APP_ORIGIN, appProtocolHandler } from '../../src/main/security/app-protocol'
import { allowedExternalUrl, openExternalIfAllowed } from '../../src/main/security/external-links'
import { denyAllPermissions, type PermissionHandlers } from '../../src/main/security/permissions'
import { guardWebContents, type GuardedContents } from '../../src/main/security/web-contents'
import { startWebServer } from '../../src/main/web/server'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp'
import { tempFolder } from '../helpers/temp-folder'

async function rendererFolder(): Promise<string> {
  const root = join(await tempFolder('app'), 'renderer')
  await mkdir(join(root, 'assets'), { recursive: true })
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Digit Lab</title>')
  await writeFile(join(root, 'assets', 'app.js'), 'export {}')
  await writeFile(join(root, '.secret'), 'hidden')
  await writeFile(join(root, '..', 'outside.txt'), 'outside')
  return root
}

const get = (handler: (request: Request) => Promise<Response>, url: string, method = 'GET') => handler(new Request(url, { method }))

describe('the app:// protocol', () => {
  it('serves the built renderer with the app’s Content-Security-Policy, nosniff and the right type', async () => {
    const handler = appProtocolHandler(await rendererFolder())
    const page = await get(handler, `${APP_ORIGIN}/index.html`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toContain('Digit Lab')
    expect((await get(handler, `${APP_ORIGIN}/assets/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/)
  })

  it('serves nothing outside the renderer folder, nothing hidden, nothing for another host, nothing but GET', async () => {
    const root = await rendererFolder()
    const handler = appProtocolHandler(root)
    const refused = [
      `${APP_ORIGIN}/../outside.txt`,
      `${APP_ORIGIN}/%2e%2e/outside.txt`,
      `${APP_ORIGIN}/..%2foutside.txt`,
      `${APP_ORIGIN}/assets/..%2f..%2foutside.txt`,
      `${APP_ORIGIN}/%2e%2e%5coutside.txt`,
      `${APP_ORIGIN}/.secret`,
      `${APP_ORIGIN}/assets`,
      `${APP_ORIGIN}/index.html%00.js`,
      `${APP_ORIGIN}/%E0%A4%A`,
      `app://elsewhere/index.html`,
      `app://digit-lab.evil/index.html`,
    ]
    for (const url of refused) expect((await get(handler, url)).status, url).toBe(404)
    expect((await get(handler, `${APP_ORIGIN}/index.html`, 'POST')).status).toBe(405)
  })
})

describe('one Content-Security-Policy everywhere', () => {
  it('forbids inline script and eval, and allows only our own origin', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]))
    expect(directives.get('default-src')).toEqual(["'self'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*|http:|https:/)
  })

  it('the renderer’s meta tag, the app:// handler and the browser-mode server state the same policy', async () => {
    const html = readFileSync('src/renderer/index.html', 'utf8')
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY)
    const root = await rendererFolder()
    expect((await get(appProtocolHandler(root), `${APP_ORIGIN}/`)).headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    const server = await startWebServer(new DigitLabService({ version: 'test', emit: () => undefined }), root)
    try {
      expect((await fetch(server.url)).headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    } finally {
      await server.close()
    }
  })
})

describe('external links', () => {
  it('only https links to the allow-list, without credentials or ports, in normal form', () => {
    expect(allowedExternalUrl('https://github.com/fastai/fastbook')).toBe('https://github.com/fastai/fastbook')
    expect(allowedExternalUrl('https://GITHUB.com/x')).toBe('https://github.com/x')
    for (const url of [
      'http://github.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://github.com/share',
      'https://github.com.evil.example/',
      'https://evil.example/?https://github.com/',
      'https://user:pass@github.com/',
      'https://github.com:8443/',
      'https://evil.example\\@github.com/',
      'not a url',
      '',
    ]) {
      expect(allowedExternalUrl(url), url).toBeNull()
    }
  })

  it('opens an allowed link through shell.openExternal, and nothing else', () => {
    const opened: string[] = []
    const shell = { openExternal: async (url: string) => void opened.push(url) }
    expect(openExternalIfAllowed(shell, 'https://docs.fast.ai/')).toBe(true)
    expect(openExternalIfAllowed(shell, 'ms-msdt:/id PCWDiagnostic')).toBe(false)
    expect(opened).toEqual(['https://docs.fast.ai/'])
  })
})

/** A webContents double that records its handlers, so a test can fire them as Electron would. */
function fakeContents() {
  const listeners = new Map<string, (event: { url?: string; preventDefault(): void }) => void>()
  let openHandler: ((details: { url: string }) => { action: string }) | null = null
  const contents = {
    on: (name: string, listener: (event: { url?: string; preventDefault(): void }) => void) => void listeners.set(name, listener),
    setWindowOpenHandler: (handler: typeof openHandler) => void (openHandler = handler),
  }
  const fire = (name: string, url = 'https://evil.example/'): boolean => {
    let prevented = false
    listeners.get(name)?.({ url, preventDefault: () => void (prevented = true) })
    return prevented
  }
  return { contents: contents as unknown as GuardedContents, fire, open: (url: string) => openHandler?.({ url }) }
}

describe('every webContents', () => {
  it('navigates nowhere, follows no redirect, opens no window, attaches no webview', () => {
    const links: string[] = []
    const { contents, fire, open } = fakeContents()
    guardWebContents(contents, (url) => links.push(url))
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) expect(fire(event), event).toBe(true)
    expect(open('https://github.com/')).toEqual({ action: 'deny' })
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' })
    expect(links).toEqual(['https://evil.example/', 'https://github.com/', 'file:///etc/passwd'])
  })

  it('is granted no permission, whatever it asks', () => {
    const granted: boolean[] = []
    const handlers: Record<string, (...args: never[]) => unknown> = {}
    const session = {
      setPermissionRequestHandler: (h: never) => void (handlers.request = h),
      setPermissionCheckHandler: (h: never) => void (handlers.check = h),
      setDevicePermissionHandler: (h: never) => void (handlers.device = h),
    }
    denyAllPermissions(session as unknown as PermissionHandlers)
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'clipboard-read']) {
      ;(handlers.request as (c: unknown, p: string, cb: (ok: boolean) => void) => void)({}, permission, (ok) => granted.push(ok))
      expect((handlers.check as (c: unknown, p: string) => boolean)({}, permission)).toBe(false)
    }
    expect(granted).toEqual(Array(6).fill(false))
    expect((handlers.device as () => boolean)()).toBe(false)
  })
})

describe('the IPC sender check', () => {
  const mainFrame = { url: `${APP_ORIGIN}/index.html` }
  const window = { mainFrame } as never
  const event = (sender: unknown, senderFrame: unknown) => ({ sender, senderFrame }) as never

  it('answers only our window’s main frame on our origin', () => {
    expect(originOf(`${APP_ORIGIN}/index.html#x`)).toBe('app://digit-lab')
    expect(originOf('http://localhost:5173/')).toBe('http://localhost:5173')
    expect(isTrustedSender(event(window, mainFrame), window, APP_ORIGIN)).toBe(true)
    expect(isTrustedSender(event({ mainFrame }, mainFrame), window, APP_ORIGIN)).toBe(false) // another webContents
    expect(isTrustedSender(event(window, { url: mainFrame.url }), window, APP_ORIGIN)).toBe(false) // an iframe
    expect(isTrustedSender(event(window, null), window, APP_ORIGIN)).toBe(false) // a frame already gone
    const navigated = { url: 'https://evil.example/' }
    expect(isTrustedSender(event({ mainFrame: navigated }, navigated), { mainFrame: navigated } as never, APP_ORIGIN)).toBe(false)
    expect(isTrustedSender(event(window, mainFrame), window, 'http://localhost:5173')).toBe(false)
  })
})
