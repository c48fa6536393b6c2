import { mkdirSync, writeFileSync } from 'node:fs'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { OnnxClassifier } from '../../src/main/onnx'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { buildApp, runningAnimations, settledFrame, classCounts, dropFiles, recordLongTasks, takeLongTasks, writeDigitFolder } from './app-helpers'
import { launchChromium, openPage } from './browser'
import { recordFigures } from '../helpers/figures'
import { tempFolder } from '../helpers/temp-folder'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'

const ARTIFACTS = 'test-artifacts'

/** The little of a canvas this file reads in the page (the tests compile without the DOM's types). */
interface PageCanvas {
  readonly width: number
  readonly height: number
  getContext(kind: '2d'): { getImageData(x: number, y: number, width: number, height: number): { readonly data: Uint8ClampedArray } } | null
}

/** How many shades of red a canvas shows: a blank or placeholder canvas has one or two, a digit many. */
const shades = (canvas: PageCanvas): number => {
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
  const seen = new Set<number>()
  for (let i = 0; i < data.length; i += 4) seen.add(data[i])
  return seen.size
}
const VIEWS = ['data', 'train', 'draw', 'export'] as const

/** The user's story in the real app: real service, real training worker, Chromium at 1280×800. */
describeNeeding(chromiumMissing(), 'Digit Lab in a browser', () => {
  let server: WebServer
  let browser: Browser
  let page: Page
  let problems: string[]
  let exported = ''
  const longTasks: Record<string, number[]> = {}

  const shoot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png` })
  const view = async (index: number) => {
    await page.keyboard.press(String(index + 1))
    await page.locator('nav button[aria-current=page]', { hasText: new RegExp(VIEWS[index], 'i') }).waitFor()
  }

  beforeAll(async () => {
    const rendererDir = await buildApp()
    let broadcast: WebServer['broadcast'] = () => {}
    server = await startWebServer(new DigitLabService({ version: 'e2e', emit: (event) => broadcast(event) }), rendererDir)
    broadcast = server.broadcast
    browser = await launchChromium()
    ;({ page, problems } = await openPage(browser, server.url, 'light', recordLongTasks))
    await page.getByText('Engine ready').waitFor()
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 120_000)

  // A page error fails the test it happened in, by name, not the timeouts it leaves behind.
  afterEach(() => expect(problems, problems.join('\n')).toEqual([]))

  afterAll(async () => {
    if (Object.keys(longTasks).length > 0) writeFileSync(`${ARTIFACTS}/long-tasks.json`, JSON.stringify(longTasks, null, 2))
    await browser?.close()
    await server?.close()
  })

  it('says honestly what each view needs before anything is open', async () => {
    await page.getByText('No dataset open').first().waitFor()
    await shoot('empty-data-light')
    await view(1)
    expect(await page.getByTestId('train-button').isDisabled()).toBe(true)
    await view(3)
    expect(await page.getByTestId('export-state').textContent()).toContain('Train a model first')
    await view(0)
  })

  it('opens MNIST 3 vs 7: counts per class and split, thumbnails, one image as a shaded pixel table', async () => {
    await page.getByRole('button', { name: /MNIST 3 vs 7/ }).click()
    await page.getByTestId('class-counts').waitFor()
    expect(await classCounts(page)).toEqual([['3', '6,131', '1,010'], ['7', '6,265', '1,028'], ['All', '12,396', '2,038']])
    expect(await page.getByTestId('status-dataset').textContent()).toContain('MNIST 3 vs 7')

    const rows = page.getByTestId('thumbnail-grid').locator('canvas')
    await expect.poll(() => rows.count()).toBeGreaterThan(10)
    await expect.poll(() => rows.first().evaluate(shades), { message: 'the first row of thumbnails shows digits' }).toBeGreaterThan(10)

    await rows.first().click({ position: { x: 3 * 50 + 20, y: 20 } })
    const table = page.getByTestId('pixel-table')
    await table.waitFor()
    const values = (await table.locator('td').allTextContents()).map(Number)
    expect(values).toHaveLength(784)
    expect(Math.max(...values)).toBeGreaterThan(200)
    const darkest = await table.locator('td', { hasText: String(Math.max(...values)) }).first().getAttribute('style')
    expect(darkest, 'the highest value is shaded near black').toMatch(/background: rgb\((\d|[1-4]\d),/)
    await shoot('data-image-light')
    await page.keyboard.press('Escape')
    await table.waitFor({ state: 'detached' })

    await page.getByRole('button', { name: 'Validation' }).click()
    await page.locator('[data-testid=class-counts] button', { hasText: '7' }).click()
    await expect.poll(() => page.getByTestId('grid-count').textContent()).toBe('1,028 images')
  })

  it('trains simple_net for 3 epochs: the chart has points and the epoch table three rows', async () => {
    await view(1)
    await page.getByRole('radio', { name: 'simple_net' }).check({ force: true })
    await page.locator('input[data-field=epochs]').fill('3')
    await page.getByTestId('train-button').click()
    // Export, while the first model trains, says it is coming rather than "Train a model first".
    await view(3)
    expect(await page.getByTestId('export-state').textContent()).toContain('A model is training. It can be exported here once the run ends')
    await view(1)
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })
    const rows = page.getByTestId('epoch-table').locator('tbody tr')
    expect(await rows.count()).toBe(3)
    expect(await rows.nth(2).locator('td').first().textContent()).toBe('2')
    await expect.poll(() => page.getByTestId('loss-chart').getAttribute('data-points')).toBe(String(3 * 49))
    const accuracyCell = rows.nth(2).locator('td').nth(3)
    const accuracy = Number(await accuracyCell.getAttribute('data-value'))
    expect(accuracy).toBeGreaterThan(0.9)
    expect(await accuracyCell.textContent()).toMatch(/^\d{2,3}\.\d%$/)
    expect(await page.getByTestId('status-training').textContent()).toContain('Training completed')
  })

  it('draws a 7 with the mouse: the 28×28 input shows, and the trained model says 7 as the pen moves', async () => {
    await view(2)
    const pad = page.getByTestId('draw-pad')
    const box = (await pad.boundingBox())!
    await page.mouse.move(box.x + 80, box.y + 60)
    await page.mouse.down()
    for (const [x, y] of [[200, 60], [150, 150], [120, 235]]) await page.mouse.move(box.x + x, box.y + y, { steps: 10 })
    await page.mouse.up()
    expect(await page.getByRole('img', { name: /preprocessed to 28×28/ }).evaluate(shades)).toBeGreaterThan(2)
    await expect.poll(() => page.getByTestId('prediction').textContent(), { timeout: 10_000 }).toBe('7')
    expect(await page.getByTestId('class-bars').locator('li').count()).toBe(2)
    expect(await page.getByTestId('model-badge').textContent()).toContain('simple_net')
  })

  it('exports the trained model: a download with its parity report, which onnxruntime loads', async () => {
    await view(3)
    const downloaded = page.waitForEvent('download')
    await page.getByTestId('export-button').click()
    exported = join(await tempFolder('e2e-export'), 'model.onnx')
    await (await downloaded).saveAs(exported)
    await page.getByTestId('export-report').waitFor()
    expect(await page.getByTestId('export-report').textContent()).toMatch(/Checked on [\d,]+ validation images.*Same prediction 100\.00% of images/)
    const classifier = await OnnxClassifier.open(exported)
    expect(classifier.labels).toEqual(['3', '7'])
    await classifier.close()
  })

  it('screenshots every view in light and dark themes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      for (let i = 0; i < VIEWS.length; i++) {
        await view(i)
        await settledFrame(page)
        await shoot(`${VIEWS[i]}-${scheme}`)
      }
    }
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('opens the exported .onnx in Draw, chosen in a file picker, dropped or by its path, and classifies with it; a damaged copy is refused naming the file chosen', async () => {
    await view(2)
    const chooser = page.getByLabel('Model file to open')
    expect(await chooser.getAttribute('accept')).toBe('.onnx')
    const folder = await tempFolder('e2e-picked')
    const picked = join(folder, 'digits-3-7.onnx')
    await copyFile(exported, picked)
    await chooser.setInputFiles(picked)
    await expect.poll(() => page.getByTestId('model-badge').textContent()).toMatch(/^\s*digits-3-7\.onnx\s+opened from a file · 3 epochs/)
    await expect.poll(() => page.getByTestId('prediction').textContent()).toBe('7')
    await shoot('draw-model-picked-light')

    const bytes = await readFile(exported)
    const damaged = join(folder, 'damaged.onnx')
    await writeFile(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)))
    await chooser.setInputFiles(damaged)
    // The service's refusal, named as the person chose the file, not by the temporary copy's path.
    await expect.poll(() => page.getByTestId('open-model-error').textContent()).toMatch(/^damaged\.onnx: (not an ONNX model|.*(truncated|damaged))/)
    expect(await page.getByTestId('open-model-error').textContent()).not.toContain('digit-lab-upload-')
    expect(await page.getByTestId('model-badge').textContent()).toContain('digits-3-7.onnx')
    expect(await page.getByTestId('prediction').textContent()).toBe('7')
    await shoot('draw-model-damaged-light')

    // Dropped on the Draw view, a file is uploaded and opened the same way.
    await dropFiles(page, '[data-testid=draw-pad]', [{ name: 'dropped.onnx', bytes: 'shopping list: eggs, milk' }])
    await expect.poll(() => page.getByTestId('open-model-error').textContent()).toMatch(/^dropped\.onnx: not an ONNX model/)
    expect(await page.getByTestId('model-badge').textContent()).toContain('digits-3-7.onnx')

    // The typed path stays the second way.
    await page.getByLabel('Model path').fill(exported)
    await page.getByRole('button', { name: 'Open path' }).click()
    await expect.poll(() => page.getByTestId('model-badge').textContent()).toMatch(/^\s*model\.onnx\s+opened from a file/)
    expect(await page.getByTestId('open-model-error').count()).toBe(0)
    await expect.poll(() => page.getByTestId('prediction').textContent()).toBe('7')
  })

  it('trains ResNet-18 while the views switch, without stalling the page, and stops within a moment', async () => {
    await view(1)
    await page.getByRole('radio', { name: 'ResNet-18' }).check({ force: true })
    await takeLongTasks(page)
    await page.keyboard.press('Control+Enter')
    await page.getByTestId('run-progress').getByText(/^\d+ \/ \d+$/).first().waitFor({ timeout: 30_000 })
    await expect.poll(() => page.getByTestId('loss-chart').getAttribute('data-points'), { timeout: 20_000 }).toMatch(/^([3-9]|\d\d+)$/)
    // Nothing on the page animates while it trains (a pulsing dot, bars easing to each update): those frames took
    // the cores the run trains on, and made the app's training slower than the CLI's.
    expect(await runningAnimations(page)).toEqual([])
    await view(0)
    await expect.poll(() => page.getByTestId('status-training').textContent()).toMatch(/Epoch 1\/1.*batch \d+\/\d+.*ETA.*img\/s/)
    expect(await runningAnimations(page)).toEqual([])
    await page.getByTestId('thumbnail-grid').hover()
    await page.mouse.wheel(0, 2000)
    // Let it train on with the grid scrolled until the status bar counts the next batch (long tasks are recorded meanwhile).
    const batchNow = async (): Promise<number> => Number(/batch (\d+)\//.exec((await page.getByTestId('status-training').textContent()) ?? '')?.[1] ?? 0)
    const batchScrolled = await batchNow()
    await expect.poll(batchNow, { timeout: 60_000 }).toBeGreaterThan(batchScrolled)
    await view(1)
    await shoot('train-running-light')
    longTasks['resnet18 training'] = await takeLongTasks(page)

    const pointsAtStop = Number(await page.getByTestId('loss-chart').getAttribute('data-points'))
    await page.keyboard.press('Escape')
    await page.getByTestId('run-state').getByText('Training stopped').waitFor({ timeout: 30_000 })
    const batchesAfter = Number(await page.getByTestId('loss-chart').getAttribute('data-points')) - pointsAtStop
    // Within one batch: the one in progress ends (its loss may not have reached the chart yet when Esc was pressed).
    expect(batchesAfter).toBeLessThanOrEqual(2)
    // NOTE: long tasks depend on the machine's load, so they are a figure (test-artifacts/figures), not an assertion.
    recordFigures('e2e-long-tasks', { 'resnet18 training': longTasks['resnet18 training'], batchesAfterStop: batchesAfter })
  })

  it('scrolls the 70,000 images of MNIST 0–9, drawing only what is in view', async () => {
    await view(0)
    await page.getByRole('button', { name: /MNIST 0–9/ }).click()
    await page.getByRole('button', { name: 'Training' }).click()
    await expect.poll(() => page.getByTestId('grid-count').textContent(), { timeout: 30_000 }).toBe('60,000 images')
    const grid = page.getByTestId('thumbnail-grid')
    await expect.poll(() => grid.locator('canvas').count()).toBeGreaterThan(10)
    await takeLongTasks(page)
    await grid.hover()
    for (let i = 0; i < 40; i++) {
      await page.mouse.wheel(0, 1200)
      await page.evaluate('new Promise((frame) => requestAnimationFrame(frame))')
    }
    await grid.evaluate((element) => element.scrollTo({ top: element.scrollHeight }))
    await expect.poll(() => grid.locator('canvas').last().evaluate(shades), { message: 'the last row shows digits' }).toBeGreaterThan(10)
    expect(await grid.locator('canvas').count(), 'only the rows in view are rendered').toBeLessThan(30)
    longTasks['scrolling 60,000 thumbnails'] = await takeLongTasks(page)
    recordFigures('e2e-long-tasks-scrolling', { 'scrolling 60,000 thumbnails': longTasks['scrolling 60,000 thumbnails'] })
    await shoot('data-mnist-scrolled-light')
  })

  it('imports a folder of PNGs through the path field: its counts, and the file it skipped', async () => {
    const folder = await writeDigitFolder(10)
    await page.getByLabel('Folder path').fill(folder)
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^${folder.split('/').pop()}\\b`))
    expect(await classCounts(page)).toEqual([['0', '8', '2'], ['1', '8', '2'], ['All', '16', '4']])
    expect(await page.getByTestId('skipped-files').textContent()).toMatch(/scribble\.png\s*not an image Digit Lab can read \(PNG, JPEG, WebP, GIF, TIFF, AVIF or BMP\)/)
    await shoot('data-folder-light')
    expect(problems, problems.join('\n')).toEqual([])
  })
})
