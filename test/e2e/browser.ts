import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM_PATH } from '../helpers/system-parts'

/** Debian's Chromium (or DIGIT_LAB_CHROMIUM's), headless, with the flags this sandbox needs (no downloads of its own). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/**
 * A page at 1280×800 that records console errors and failed requests, so tests can assert there
 * were none; `beforeLoad` runs before the first navigation (to add init scripts).
 */
export async function openPage(browser: Browser, url: string, colorScheme: 'light' | 'dark' = 'light', beforeLoad?: (page: Page) => Promise<void>): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme })
  const page = await context.newPage()
  await beforeLoad?.(page)
  const problems: string[] = []
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`))
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`))
  await page.goto(url)
  return { page, problems }
}
