import { mkdirSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { drawSeven, showView, startApp, writeDigitFolder, type RunningApp } from './app-helpers'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'
import { tempFolder } from '../helpers/temp-folder'

/** Where the screenshots of these states go, to be looked at. */
const ARTIFACTS = 'test-artifacts/first-five'

/** A JPEG-compressed TIFF with one byte flipped where sharp refuses it "due to failOn setting". */
async function damagedTiff(): Promise<Buffer> {
  const noise = Uint8Array.from({ length: 60 * 60 * 3 }, (_, i) => (i * 7919) % 251)
  const tiff = await sharp(noise, { raw: { width: 60, height: 60, channels: 3 } }).tiff({ compression: 'jpeg' }).toBuffer()
  for (let at = 20; at < tiff.length; at++) {
    const damaged = Buffer.from(tiff)
    damaged[at] ^= 0x55
    if (await sharp(damaged).raw().toBuffer().then(() => false, (error: Error) => /failOn/.test(error.message))) return damaged
  }
  throw new Error('no byte flip made sharp speak of failOn')
}

/** Whether an element shows all of its text: nothing cut off with an ellipsis or hidden past its edge. */
const readWhole = (page: Page, testId: string): Promise<boolean> =>
  // A script of text: it runs in the page, and these tests compile without the DOM's types.
  page.evaluate(`(() => {
    const element = document.querySelector('[data-testid=${testId}]')
    const style = getComputedStyle(element)
    return style.textOverflow !== 'ellipsis' && element.scrollWidth <= element.clientWidth + 1 && (style.overflowY !== 'hidden' || element.scrollHeight <= element.clientHeight + 1)
  })()`)

/** The preview canvas's ink against its paper: 'dark' when the pixel farthest from the corner's is darker than it. */
const inkTone = (page: Page): Promise<'dark' | 'light'> =>
  page.evaluate(`(() => {
    const data = document.querySelector('canvas[aria-label*="preprocessed to 28×28"]').getContext('2d').getImageData(0, 0, 28, 28).data
    const paper = data[0]
    let far = paper
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - paper) > Math.abs(far - paper)) far = data[i]
    return far < paper ? 'dark' : 'light'
  })()`)

/**
 * What a newcomer meets in the first five minutes (issue #21): refusals read whole, in plain words, naming what
 * they uploaded; the import's summary; numbers as people write them; Draw's caption true to its preview; and a
 * switch of dataset that carries no settings or results over unsaid.
 */
describeNeeding(chromiumMissing(), 'the first five minutes', () => {
  let app: RunningApp
  let page: Page

  beforeAll(async () => {
    app = await startApp()
    page = app.page
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 120_000)

  afterEach(() => expect(app.problems, app.problems.join('\n')).toEqual([]))
  afterAll(() => app?.close())

  it('a folder whose only "image" is a text file: "no readable images", read whole, named as uploaded, saying what to do', async () => {
    const root = join(await tempFolder('e2e-fake'), 'my-digits')
    await mkdir(join(root, '7'), { recursive: true })
    await writeFile(join(root, '7', 'fake.png'), 'this is not a PNG')
    await page.getByLabel('Folder to upload').setInputFiles(root)
    const error = page.getByTestId('dataset-error')
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/^no readable images in my-digits: the one file named like an image could not be read\./)
    const text = (await error.textContent())!
    expect(text).toMatch(/7\/fake\.png: not an image Digit Lab can read/)
    expect(text).toMatch(/Put images Digit Lab reads .* in a folder per class/)
    expect(text).not.toMatch(/one class|digit-lab-upload-|\/tmp\//)
    expect(await readWhole(page, 'dataset-error'), 'the refusal is not cut off').toBe(true)
    expect((await error.boundingBox())!.height, 'it keeps its lines').toBeGreaterThan(40)
    await page.screenshot({ path: `${ARTIFACTS}/data-no-readable-images.png` })
  })

  it('an upload: the summary says images, classes, skipped (a link to the list) and the time from the click; damaged files in plain words', async () => {
    const folder = await writeDigitFolder(10)
    await writeFile(join(folder, '0', 'damaged.tif'), await damagedTiff())
    // The upload's last request is held while the page's clock jumps 1.5 s: the time shown must count the upload, not the import alone.
    await page.clock.install()
    await page.route('**/upload/*/done', async (route) => {
      await page.clock.fastForward(1500)
      await route.continue()
    })
    await page.getByLabel('Folder to upload').setInputFiles(folder)
    const summary = page.getByTestId('import-summary')
    await summary.waitFor({ timeout: 30_000 })
    await page.unroute('**/upload/*/done')
    expect(await summary.textContent()).toMatch(/^\s*Opened\s+digit-lab-e2e-folder-\w+:\s+20 images, 2 classes,\s+2 skipped\s*,\s+in (\d+(\.\d)? s|\d+ ms)\.\s*$/)
    const seconds = Number(/in (\d+(?:\.\d)?) s/.exec((await summary.textContent())!)![1])
    expect(seconds, 'the upload is counted').toBeGreaterThanOrEqual(1.5)

    await page.getByTestId('skipped-link').click()
    expect(await page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe('skipped-block')
    expect(await page.getByTestId('skipped-block').isVisible()).toBe(true)
    const skipped = (await page.getByTestId('skipped-files').textContent())!
    expect(skipped).toMatch(/damaged\.tif\s*corrupt or truncated image: its image data is damaged; open it in an image editor and save it again/)
    expect(skipped).not.toMatch(/failOn|Warning treated|error in tile/)
    // What the browser never sent (links, loops of links) is said plainly rather than promised.
    expect(await page.getByTestId('upload-note').textContent()).toMatch(/links \(and loops of links\).*were not sent/)
    expect(await page.locator('.details').textContent()).toMatch(/digit-lab-e2e-folder-\w+ \(uploaded\)/)
    expect(await page.locator('.details').textContent()).not.toContain('digit-lab-upload-')
    expect(await page.getByTestId('corrections-uploaded').textContent()).toMatch(/Kept with the uploaded copy, digit-lab-e2e-folder-\w+\/\S+, which goes at the next folder upload/)
    await page.screenshot({ path: `${ARTIFACTS}/data-upload-summary.png` })
  })

  it('a run on the uploaded folder, then MNIST 3 vs 7 opened: the run is labelled as the previous dataset\'s, and Continue names the folder as uploaded', async () => {
    await showView(page, 'train')
    await page.getByRole('radio', { name: 'simple_net' }).check({ force: true })
    await page.locator('input[data-field=epochs]').fill('1')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('previous-dataset').count()).toBe(0)

    await showView(page, 'data')
    await page.getByRole('button', { name: /MNIST 3 vs 7/ }).click()
    // "Importing MNIST 3 vs 7…" shows while the Lab's worker imports it: wait for the dataset itself.
    await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 60_000 }).toMatch(/^MNIST 3 vs 7/)
    await showView(page, 'train')
    expect(await page.getByTestId('previous-dataset').textContent()).toMatch(/The run below trained on digit-lab-e2e-folder-\w+, the dataset open before.*Press Train to train on MNIST 3 vs 7/s)
    expect(await page.getByTestId('status-previous').textContent()).toMatch(/on digit-lab-e2e-folder-\w+, the dataset open before/)
    const problem = (await page.getByTestId('continue-problem').textContent())!
    expect(problem).toMatch(/digit-lab-e2e-folder-\w+/)
    expect(problem).not.toMatch(/digit-lab-upload-|\/tmp\//)
    await page.screenshot({ path: `${ARTIFACTS}/train-previous-dataset.png` })
  })

  it('numbers as a person reads them: sub-second epochs in seconds, accuracy in percent', async () => {
    await page.locator('input[data-field=epochs]').fill('3')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('previous-dataset').count()).toBe(0)
    const times = await page.getByTestId('epoch-table').locator('tbody tr td:last-child').allTextContents()
    expect(times).toHaveLength(3)
    for (const time of times) expect(time).toMatch(/^(\d+(\.\d)? ms|\d+\.\d s|\d+ s|\d+:\d\d)$/)
    expect(times).not.toContain('0:00')
    // Losses in 4 significant digits, accuracy in percent; the full values stay in data-value (and the tooltip).
    const cells = page.getByTestId('epoch-table').locator('tbody tr').first().locator('td')
    for (const k of [1, 2]) {
      const value = Number(await cells.nth(k).getAttribute('data-value'))
      expect(value).toBeGreaterThan(0)
      expect(await cells.nth(k).textContent()).toBe(value.toPrecision(4))
      expect(await cells.nth(k).getAttribute('title')).toBe(String(value))
    }
    const accuracy = Number(await cells.nth(3).getAttribute('data-value'))
    expect(await cells.nth(3).textContent()).toBe(`${(accuracy * 100).toFixed(1)}%`)
    expect(await page.getByTestId('run-accuracy').textContent()).toMatch(/^\d{2}\.\d%$/)
    await showView(page, 'export')
    expect(await page.getByTestId('model-badge').textContent()).toMatch(/accuracy \d{2}\.\d% ·/)
    await showView(page, 'draw')
    expect(await page.getByTestId('model-badge').textContent()).toMatch(/accuracy \d{2}\.\d% ·/)
  })

  it("Draw's caption says how its preview shows the ink, in both themes", async () => {
    await drawSeven(page)
    await expect.poll(() => page.getByTestId('prediction').textContent(), { timeout: 10_000 }).toBe('7')
    expect(await inkTone(page)).toBe('dark')
    expect(await page.getByTestId('input-caption').textContent()).toMatch(/shown dark ink on light; to the model the ink is bright/)
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => inkTone(page)).toBe('light')
    expect(await page.getByTestId('input-caption').textContent()).toMatch(/shown light ink on dark; to the model the ink is bright/)
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('a switch of dataset never carries the Train form\'s changes over silently: a long run is set aside, and can be taken back, said to be long', async () => {
    await showView(page, 'train')
    const epochs = page.locator('input[data-field=epochs]')
    // NOTE: so many epochs that no machine trains them in under a minute; the warning's threshold.
    await epochs.fill('1000')
    await showView(page, 'data')
    await page.getByRole('button', { name: /MNIST 0–9/ }).click()
    await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 60_000 }).toMatch(/^MNIST 0–9/)
    await showView(page, 'train')
    expect(await epochs.inputValue()).not.toBe('1000')
    expect(await page.getByTestId('edits-set-aside').textContent()).toMatch(/Your changes \(Epochs 1000\) were for MNIST 3 vs 7; the settings below are this model's defaults for\s+MNIST 0–9/)
    expect(await page.getByTestId('previous-dataset').textContent()).toMatch(/trained on MNIST 3 vs 7/)
    await page.getByRole('button', { name: 'Use my changes here' }).click()
    expect(await epochs.inputValue()).toBe('1000')
    expect(await page.getByTestId('edits-set-aside').count()).toBe(0)
    // simple_net trained on this page (on MNIST 3 vs 7): its speed foresees the run.
    expect(await page.getByTestId('long-run').textContent()).toMatch(/^A long run: about (\d+ min|\d+\.\d h) \(1,000 epochs × 60,000 images at the [\d,]+ images\/s simple_net trained at here\)/)
    await page.screenshot({ path: `${ARTIFACTS}/train-set-aside-long-run.png` })
  })
})
