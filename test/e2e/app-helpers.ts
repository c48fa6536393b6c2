import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import { DigitLabService, type ServiceOptions } from '../../src/main/service/digit-lab-service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { launchChromium, openPage } from './browser'
import { tempFolder } from '../helpers/temp-folder'

/** Build the app into a folder of its own (other e2e files build `out/` at the same time) and return the renderer's folder. */
export async function buildApp(): Promise<string> {
  const outDir = await tempFolder('e2e-build')
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--outDir', outDir, '--logLevel', 'error'], { stdio: 'pipe' })
  return join(outDir, 'renderer')
}

/**
 * A folder of 28×28 PNG digits in class folders, as a person would drop in: `per` ones (a bar)
 * and `per` zeros (a ring), plus one file that is not an image at all.
 */
export async function writeDigitFolder(per: number): Promise<string> {
  const root = await tempFolder('e2e-folder')
  for (const label of ['0', '1']) {
    await mkdir(join(root, label))
    for (let i = 0; i < per; i++) {
      const pixels = Buffer.alloc(28 * 28)
      for (let y = 4; y < 24; y++) {
        for (let x = 4; x < 24; x++) {
          const ink = label === '1' ? Math.abs(x - 14 - (i % 3)) < 2 : Math.abs(Math.hypot(x - 14, y - 14) - 7 - (i % 2)) < 1.5
          if (ink) pixels[y * 28 + x] = 255
        }
      }
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, label, `${label}-${i}.png`))
    }
  }
  await writeFile(join(root, '1', 'scribble.png'), 'this is not a PNG')
  return root
}

/** Record every long task (≥ 50 ms on the page's main thread) from the first script on. */
export async function recordLongTasks(page: Page): Promise<void> {
  // A script of text: it runs in the page, whose types (PerformanceObserver's 'longtask') Node's lack.
  await page.addInitScript({
    content: `globalThis.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((entry) => globalThis.longTasks.push(entry.duration))).observe({ type: 'longtask', buffered: true })`,
  })
}

/** The long tasks recorded since the last call (their durations in ms), and forget them. */
export async function takeLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const durations = (globalThis as unknown as { longTasks: number[] }).longTasks
    return durations.splice(0, durations.length)
  })
}

/** The Data view's class table as rows of [class, train, valid]. */
export async function classCounts(page: Page): Promise<string[][]> {
  const rows = await page.getByTestId('class-counts').locator('tbody tr, tfoot tr').all()
  return Promise.all(rows.map(async (row) => (await row.locator('th, td').allTextContents()).map((text) => text.trim())))
}

/** A file to drop: its name and its bytes (or text). */
export interface DroppedFile {
  readonly name: string
  readonly bytes: string | Uint8Array
}

/**
 * Drop files on the element `selector` finds — a drop made in the page, as a test cannot drag from the
 * desktop: its items give no folder entries, so its files go as they are.
 */
export async function dropFiles(page: Page, selector: string, files: readonly DroppedFile[]): Promise<void> {
  const sent = files.map((file) => ({ name: file.name, base64: Buffer.from(file.bytes).toString('base64') }))
  // A script of text: these tests compile without the DOM's types.
  await page.evaluate(`(() => {
    const data = new DataTransfer()
    for (const { name, base64 } of ${JSON.stringify(sent)}) data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name))
    document.querySelector(${JSON.stringify(selector)}).dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
  })()`)
}

/** A pixel CSV of `rows` digits, alternately 0 (a bar at column 10) and 1 (at column 18), with a header row. */
export function pixelCsv(rows: number): string {
  const lines = ['label,' + Array.from({ length: 784 }, (_, i) => `pixel${i}`).join(',')]
  for (let i = 0; i < rows; i++) lines.push(`${i % 2},` + Array.from({ length: 784 }, (_, p) => (p % 28 === 10 + (i % 2) * 8 ? 255 : 0)).join(','))
  return lines.join('\n')
}

/**
 * Drag files or folders from this machine onto the element `selector` finds and drop them, as a person
 * would: Chromium's own drag, through the DevTools protocol, so a folder arrives as a folder entry.
 */
export async function dropFromDisk(page: Page, selector: string, paths: readonly string[]): Promise<void> {
  const box = await page.locator(selector).boundingBox()
  if (!box) throw new Error(`${selector} is not on the page`)
  const cdp = await page.context().newCDPSession(page)
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  const data = { items: [], files: [...paths], dragOperationsMask: 1 }
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data })
  await cdp.detach()
}

/** The app in browser mode, as the e2e tests drive it: the real service and server, and Chromium's page on it. */
export interface RunningApp {
  readonly service: DigitLabService
  readonly server: WebServer
  readonly browser: Browser
  readonly page: Page
  /** Console errors, page errors and failed requests, as they happen. */
  readonly problems: string[]
  close(): Promise<void>
}

/** Serve a built renderer with a fresh service (given these options, e.g. a data folder): one launch of the app. */
export async function serveApp(rendererDir: string, options: Partial<ServiceOptions> = {}): Promise<{ service: DigitLabService; server: WebServer }> {
  let broadcast: WebServer['broadcast'] = () => {}
  const service = new DigitLabService({ version: 'e2e', emit: (event) => broadcast(event), ...options })
  const server = await startWebServer(service, rendererDir)
  broadcast = server.broadcast
  return { service, server }
}

/** Open the app at `url` in a new page of `browser` (1280×800), once its engine is ready. */
export async function openApp(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(browser, url)
  await opened.page.getByText('Engine ready').waitFor()
  return opened
}

/** Build the renderer, serve it with a fresh service (given these options), and open it in Chromium once the engine is ready. */
export async function startApp(options: Partial<ServiceOptions> = {}): Promise<RunningApp> {
  const { service, server } = await serveApp(await buildApp(), options)
  const browser = await launchChromium()
  const { page, problems } = await openApp(browser, server.url)
  return { service, server, browser, page, problems, close: async () => void (await browser.close(), await server.close()) }
}

/** Fields of the Train view's form, by their data-field name, as typed. */
export type TrainFields = Partial<Record<'epochs' | 'lr' | 'batchSize' | 'seed', string>>

/** Open a folder by the path typed in the Data view (browser mode), and wait for its class table. */
export async function openFolderByPath(page: Page, root: string): Promise<void> {
  await showView(page, 'data')
  await page.getByLabel('Folder path').fill(root)
  await page.getByRole('button', { name: 'Open', exact: true }).click()
  await page.getByTestId('class-counts').waitFor()
}

/** In the Train view: choose `model` (by its button's name; null keeps the one chosen), type `fields`, press Train and wait until the run completes. */
export async function train(page: Page, model: string | null, fields: TrainFields = {}): Promise<void> {
  await showView(page, 'train')
  if (model) await page.locator('label', { has: page.getByRole('radio', { name: model }) }).click()
  for (const [field, value] of Object.entries(fields)) await page.locator(`input[data-field=${field}]`).fill(value)
  await page.getByTestId('train-button').click()
  await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })
}

/** The five views in sidebar order (the key that shows each is its place, from 1). */
export const VIEW_IDS = ['data', 'train', 'draw', 'export', 'lab'] as const

/** Show a view by its keyboard shortcut (out of any field) and wait until the sidebar says it is the current one. */
export async function showView(page: Page, id: (typeof VIEW_IDS)[number]): Promise<void> {
  // A field being typed in keeps its keys: the focus leaves it first.
  await page.evaluate('document.activeElement?.blur()')
  await page.keyboard.press(String(VIEW_IDS.indexOf(id) + 1))
  await page.locator('nav button[aria-current=page]', { hasText: new RegExp(id, 'i') }).waitFor()
}

/** Draw a 7 on the Draw view's pad with the mouse. */
export async function drawSeven(page: Page): Promise<void> {
  const box = (await page.getByTestId('draw-pad').boundingBox())!
  await page.mouse.move(box.x + 80, box.y + 60)
  await page.mouse.down()
  for (const [x, y] of [[200, 60], [150, 150], [120, 235]]) await page.mouse.move(box.x + x, box.y + y, { steps: 10 })
  await page.mouse.up()
}

/** Wait until the page has painted twice: what a change drew is on the screen. */
export async function painted(page: Page): Promise<void> {
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))')
}

/**
 * The CSS animations and transitions running on the page now, by name (an animation's name, a transition's
 * property): while a run trains, each frame they draw takes CPU from the cores it trains on.
 */
export async function runningAnimations(page: Page): Promise<string[]> {
  // A script of text: these tests compile without the DOM's types.
  return page.evaluate(`document.getAnimations().filter((a) => a.playState === 'running')
    .map((a) => a.animationName ?? a.transitionProperty ?? 'an animation')`)
}

/** Wait until the page's finite animations and transitions (a theme's colours easing in) have ended, then one frame. */
export async function settledFrame(page: Page): Promise<void> {
  // A script of text: these tests compile without the DOM's types.
  await page.evaluate(`Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => {})))
    .then(() => new Promise((frame) => requestAnimationFrame(frame)))`)
}
