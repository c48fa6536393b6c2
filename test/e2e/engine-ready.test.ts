import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { WebSocket } from 'ws'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { launchChromium, openPage } from './browser'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'

describeNeeding(chromiumMissing(), 'browser mode', () => {
  let server: WebServer
  let browser: Browser

  beforeAll(async () => {
    execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { stdio: 'pipe' })
    let broadcast: WebServer['broadcast'] = () => {}
    server = await startWebServer(new DigitLabService({ version: 'test', emit: (event) => broadcast(event) }), 'out/renderer')
    broadcast = server.broadcast
    browser = await launchChromium()
    mkdirSync('test-artifacts', { recursive: true })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows that the engine is ready, through the real service, with no CSP or console errors', async () => {
    const { page, problems } = await openPage(browser, server.url)
    await page.getByText('Engine ready').waitFor()
    expect(await page.getByTestId('engine').getAttribute('title')).toContain('d(x²)/dx at x = 3 = 6')
    // The kernels a run uses by default are named (native where onnxruntime's binding loads).
    expect(await page.getByTestId('engine').getAttribute('title')).toMatch(/kernels: (native \(onnxruntime \d+\.\d+\.\d+ MLAS on |WebAssembly SIMD)/)
    await page.screenshot({ path: 'test-artifacts/engine-ready.png' })
    expect(problems).toEqual([])
  })

  it('refuses a socket without the token, or from a page of another origin', async () => {
    const { page } = await openPage(browser, server.url.replace(/token=.*/, 'token=wrong'))
    await page.getByText(/could not connect/).waitFor()
    const socketUrl = server.url.replace('http://', 'ws://').replace('/?token=', '/api?token=')
    const origin = server.url.split('/?')[0]
    const attempt = (url: string, from: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url, { origin: from })
        socket.on('open', () => (socket.close(), resolve(101)))
        socket.on('unexpected-response', (_, response) => resolve(response.statusCode ?? 0))
        socket.on('error', () => undefined)
      })
    expect(await attempt(socketUrl, origin)).toBe(101)
    expect(await attempt(socketUrl, 'http://evil.example')).toBe(403)
    expect(await attempt(socketUrl.replace(/token=.*/, 'token=wrong'), origin)).toBe(403)
    expect(await attempt(socketUrl.replace(/\?token=.*/, ''), origin)).toBe(403)
  })

  it('serves nothing outside the renderer folder', async () => {
    const base = server.url.split('/?')[0]
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/.env']) {
      expect((await fetch(base + path)).status, path).toBe(404)
    }
    expect((await fetch(base + '/')).headers.get('content-security-policy')).toContain("default-src 'self'")
  })
})
