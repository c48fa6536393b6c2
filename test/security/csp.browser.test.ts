import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { build, type UserConfig } from 'vite'
import { afterAll, beforeAll, expect, it } from 'vitest'
import electronViteConfig from '../../electron.vite.config'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp'
import { launchChromium, openPage } from '../e2e/browser'
import { eventually } from '../helpers/eventually'
import { tempFolder } from '../helpers/temp-folder'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'

interface Violation {
  readonly directive: string
  readonly blocked: string
  readonly source: string
}

/** A script of the app's own origin that tries every way of running a string as code. */
const PROBE = `
const attempt = (run) => { try { run(); return 'ran' } catch (error) { return error.name } }
const outcomes = [attempt(() => (0, eval)('1 + 1')), attempt(() => new Function('return 1')())]
setTimeout('window.__timerRan = true', 0)
// Timers of one delay run in order: had the string timer been allowed, it would have run before this one.
setTimeout(() => { window.__probe = [...outcomes, window.__timerRan ? 'timer ran' : 'no timer'] }, 0)
`

/** Build the renderer as the app ships it, into a folder of its own (other tests build into out/). */
async function buildRenderer(): Promise<string> {
  const outDir = await tempFolder('csp')
  const renderer = (electronViteConfig as { renderer: UserConfig }).renderer
  await build({ ...renderer, configFile: false, base: './', logLevel: 'error', build: { ...renderer.build, outDir, emptyOutDir: true } })
  await writeFile(join(outDir, 'csp-probe.js'), PROBE)
  return outDir
}

/** Collect every CSP violation the page reports, from before its first script runs. */
async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript({
    content: `
      const seen = []
      Object.defineProperty(window, '__violations', { value: seen })
      document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile }))`,
  })
}

// NOTE: code for the page is given as text: this project's Node tsconfig has no DOM types.
const violations = (page: Page): Promise<Violation[]> => page.evaluate('window.__violations')

describeNeeding(chromiumMissing(), 'the Content-Security-Policy, enforced by Chromium on the built renderer', () => {
  let server: WebServer
  let browser: Browser
  let page: Page
  let problems: string[]

  beforeAll(async () => {
    server = await startWebServer(new DigitLabService({ version: 'test', emit: () => undefined }), await buildRenderer())
    browser = await launchChromium()
    ;({ page, problems } = await openPage(browser, 'about:blank'))
    await recordViolations(page)
    await page.goto(server.url)
    await page.locator('#app > *').first().waitFor()
    await page.waitForLoadState('networkidle')
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('is sent with the page, and the app runs under it without a single violation of its own', async () => {
    const response = await page.request.get(server.url)
    expect(response.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(CONTENT_SECURITY_POLICY)
    expect(await violations(page)).toEqual([])
    expect(problems).toEqual([])
  })

  it('stops a script injected into the DOM, an inline event handler, and a script from elsewhere', async () => {
    await page.evaluate(`{
      const script = document.createElement('script')
      script.textContent = 'window.__inlineRan = true'
      document.body.append(script)
      const image = document.createElement('img')
      image.setAttribute('onerror', 'window.__handlerRan = true')
      image.src = 'data:,not-an-image'
      document.body.append(image)
      const remote = document.createElement('script')
      remote.src = 'http://127.0.0.2:9/evil.js'
      document.body.append(remote)
    }`)
    // The three refusals arrive as violation events; wait for them, not for a time.
    const seen = await eventually(() => violations(page), (events) => events.some((v) => v.blocked.startsWith('http://127.0.0.2')) && events.some((v) => v.directive === 'script-src-attr'))
    expect(await page.evaluate('[window.__inlineRan, window.__handlerRan]')).toEqual([undefined, undefined])
    expect(seen.map((v) => v.directive)).toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr']))
    expect(seen.some((v) => v.directive === 'script-src-elem' && v.blocked === 'inline')).toBe(true)
    expect(seen.some((v) => v.blocked.startsWith('http://127.0.0.2'))).toBe(true)
  })

  it('refuses eval, the Function constructor and string timers in our own scripts, each with a violation event', async () => {
    // NOTE: code run through the DevTools protocol may eval (Chromium lets it bypass the CSP), so the
    // attempts come from a script file of the app's own origin, as a compromised bundle would make them.
    const before = (await violations(page)).length
    await page.evaluate(`{
      const probe = document.createElement('script')
      probe.src = './csp-probe.js'
      document.body.append(probe)
    }`)
    // NOTE: not page.waitForFunction, whose string predicate the policy itself refuses to eval.
    await expect.poll(() => page.evaluate('window.__probe')).toBeDefined()
    expect(await page.evaluate('window.__probe')).toEqual(['EvalError', 'EvalError', 'no timer'])
    const fresh = (await violations(page)).slice(before)
    // Three attempts, each refused by both copies of the policy (the header and the meta tag).
    expect(fresh.map((v) => `${v.directive} ${v.blocked}`)).toEqual(Array(6).fill('script-src eval'))
  })
})
