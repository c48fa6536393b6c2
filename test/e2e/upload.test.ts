import { mkdirSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { buildApp, classCounts, dropFiles, dropFromDisk, pixelCsv, writeDigitFolder } from './app-helpers'
import { launchChromium, openPage } from './browser'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'

const ARTIFACTS = 'test-artifacts'
const DROP_ZONE = '[aria-label="Drop a folder of digit images"]'
/** A file no drop target opens. */
const NOTES = { name: 'notes.txt', bytes: 'shopping list: eggs, milk' }

/** Browser mode's own ways in: a folder uploaded from the browser, and a theme that outlasts a reload. */
describeNeeding(chromiumMissing(), 'Digit Lab in a browser: folder upload and theme', () => {
  let server: WebServer
  let service: DigitLabService
  let browser: Browser
  let page: Page
  let problems: string[]


  beforeAll(async () => {
    const rendererDir = await buildApp()
    let broadcast: WebServer['broadcast'] = () => {}
    service = new DigitLabService({ version: 'e2e-upload', emit: (event) => broadcast(event) })
    server = await startWebServer(service, rendererDir)
    broadcast = server.broadcast
    browser = await launchChromium()
    ;({ page, problems } = await openPage(browser, server.url, 'light'))
    await page.getByText('Engine ready').waitFor()
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await service?.close()
    await server?.close()
  })

  it('uploads a folder of PNGs chosen in the browser: its counts, and the corrupt file it skipped', async () => {
    const folder = await writeDigitFolder(10)
    const name = folder.split('/').pop()!
    await page.getByLabel('Folder to upload').setInputFiles(folder)
    await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^${name}\\b`))
    expect(await classCounts(page)).toEqual([['0', '8', '2'], ['1', '8', '2'], ['All', '16', '4']])
    expect(await page.getByTestId('skipped-files').textContent()).toMatch(/scribble\.png/)
    expect(await page.getByTestId('grid-count').textContent()).toBe('16 images')
    await page.screenshot({ path: `${ARTIFACTS}/data-uploaded-folder-light.png` })

    // The thumbnails as a screen reader and the keyboard meet them: a grid of rows of cells, a cursor in it.
    const grid = page.getByRole('grid', { name: /^Thumbnails/ })
    expect(await grid.getAttribute('aria-rowcount')).toBe(String(await grid.getByRole('row').count()))
    expect(await grid.getByRole('row').first().getByRole('gridcell').count()).toBe(Number(await grid.getAttribute('aria-colcount')))
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(16)
    await grid.focus()
    await page.keyboard.press('ArrowRight')
    const active = async () => grid.locator(`[id="${await grid.getAttribute('aria-activedescendant')}"]`)
    expect(await (await active()).getAttribute('aria-label')).toMatch(/^0, image 2 of 16, 0\/0-\d+\.png$/)
    expect(await (await active()).getAttribute('aria-selected')).toBe('true')
    expect(await grid.locator('[aria-selected=true]').count()).toBe(1)
    await page.keyboard.press('Control+End')
    expect(await (await active()).getAttribute('aria-label')).toMatch(/^1, image 16 of 16, 1\/1-\d+\.png$/)
    await page.keyboard.press('Enter')
    await page.getByTestId('image-dialog').waitFor()
    await page.keyboard.press('Escape')
    await page.getByTestId('image-dialog').waitFor({ state: 'detached' })

    // The copy the importer read sits in a private temporary folder, removed by the next upload.
    const source = (await service.currentDataset())!.source
    expect(source).toMatch(new RegExp(`digit-lab-upload-[^/]+/${name}$`))
    expect((await readdir(source)).sort()).toEqual(['0', '1'])
    const again = await writeDigitFolder(6)
    await page.getByLabel('Folder to upload').setInputFiles(again)
    await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^${again.split('/').pop()}\\b`))
    await expect(readdir(source)).rejects.toThrow(/ENOENT/)

    // A project dropped here opens in the Export view, uploaded beside the folder in use, which stays.
    const inUse = (await service.currentDataset())!.source
    await dropFiles(page, DROP_ZONE, [{ ...NOTES, name: 'notes.digitlab' }])
    await page.locator('nav button[aria-current=page]', { hasText: /export/i }).waitFor()
    await expect.poll(() => page.getByTestId('open-project-error').textContent()).toMatch(/^notes\.digitlab is not a Digit Lab project/)
    expect((await readdir(inUse)).sort()).toEqual(['0', '1'])
    expect((await service.currentDataset())!.source).toBe(inUse)
    await page.keyboard.press('1')
    expect(await page.getByTestId('grid-count').textContent()).toBe('10 images')
    expect(problems, problems.join('\n')).toEqual([])
  })

  it('uploads what is dropped on the drop zone: here a pixel CSV, imported as one', async () => {
    await dropFiles(page, DROP_ZONE, [{ name: 'dropped-digits.csv', bytes: pixelCsv(20) }])
    await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 30_000 }).toMatch(/^dropped-digits/)
    expect(await classCounts(page)).toEqual([['0', '8', '2'], ['1', '8', '2'], ['All', '16', '4']])
    expect((await service.currentDataset())!.source).toMatch(/digit-lab-upload-[^/]+\/dropped-digits$/)
    expect(problems, problems.join('\n')).toEqual([])
  })

  it('routes what is dropped or chosen by what it is, wherever it lands; anything else is refused where it landed, unsent', async () => {
    const uploads: string[] = []
    page.on('request', (request) => void (new URL(request.url()).pathname.startsWith('/upload') && uploads.push(request.url())))
    const current = () => page.locator('nav button[aria-current=page]').textContent()
    const inUse = (await service.currentDataset())!.source
    const garbageModel = { name: 'garbage.onnx', bytes: NOTES.bytes }

    // Data view: a file that is no dataset, project or model is refused here, before anything is sent.
    await dropFiles(page, DROP_ZONE, [NOTES])
    await expect.poll(() => page.getByTestId('dataset-error').textContent()).toBe('notes.txt is not a folder of images, a .digitlab project or an .onnx model')
    await page.screenshot({ path: `${ARTIFACTS}/data-drop-refused-light.png` })
    expect(uploads).toEqual([])
    // An .onnx dropped on the drop zone opens as a model, in Draw (this one is not a model, and says so).
    await dropFiles(page, DROP_ZONE, [garbageModel])
    await expect.poll(current).toMatch(/draw/i)
    await expect.poll(() => page.getByTestId('open-model-error').textContent()).toMatch(/^garbage\.onnx: not an ONNX model/)

    // Draw view: a stranger is refused where the model's refusals show; a pixel CSV opens as the dataset, in Data.
    const sent = uploads.length
    await dropFiles(page, '[data-testid=draw-pad]', [NOTES])
    await expect.poll(() => page.getByTestId('open-model-error').textContent()).toBe('notes.txt is not a folder of images, a .digitlab project or an .onnx model')
    await page.screenshot({ path: `${ARTIFACTS}/draw-drop-refused-light.png` })
    expect(uploads.length).toBe(sent)
    await dropFiles(page, '[data-testid=draw-pad]', [{ name: 'drawn-digits.csv', bytes: pixelCsv(20) }])
    await expect.poll(current).toMatch(/data/i)
    await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 30_000 }).toMatch(/^drawn-digits/)
    expect((await service.currentDataset())!.source).not.toBe(inUse)

    // Export view's Project panel: an .onnx dropped or chosen there opens as a model; a stranger is refused there.
    await page.keyboard.press('4')
    const before = uploads.length
    await dropFiles(page, '[data-testid=project-panel]', [NOTES])
    await expect.poll(() => page.getByTestId('open-project-error').textContent()).toBe('notes.txt is not a folder of images, a .digitlab project or an .onnx model')
    await page.screenshot({ path: `${ARTIFACTS}/export-drop-refused-light.png` })
    expect(uploads.length).toBe(before)
    await page.getByLabel('Project file to open').setInputFiles({ name: 'chosen.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(NOTES.bytes) })
    await expect.poll(current).toMatch(/draw/i)
    await expect.poll(() => page.getByTestId('open-model-error').textContent()).toMatch(/^chosen\.onnx: not an ONNX model/)
    // A project and a model dropped together: each opens on its own, so neither does.
    const together = uploads.length
    await dropFiles(page, '[data-testid=draw-pad]', [{ ...NOTES, name: 'a.digitlab' }, garbageModel])
    await expect.poll(() => page.getByTestId('open-model-error').textContent()).toBe('a.digitlab opens on its own: drop or choose it without the other files')
    expect(uploads.length).toBe(together)

    // A folder dragged from the disk onto the Draw view or the Project panel opens as the dataset, its class folders walked.
    for (const [view, target] of [['3', '[data-testid=draw-pad]'], ['4', '[data-testid=project-panel]']] as const) {
      const folder = await writeDigitFolder(5)
      await page.keyboard.press(view)
      await dropFromDisk(page, target, [folder])
      await expect.poll(current).toMatch(/data/i)
      await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^${folder.split('/').pop()}\\b`))
      expect(await classCounts(page)).toEqual([['0', '4', '1'], ['1', '4', '1'], ['All', '8', '2']])
    }
    expect(problems, problems.join('\n')).toEqual([])
  })

  it('keeps the theme the person chose across a reload, whatever the system prefers', async () => {
    // Text run in the page: these tests compile without the DOM's types.
    const background = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor')
    const lightBackground = await background()
    await page.getByRole('radio', { name: 'Dark' }).click()
    const darkBackground = await background()
    expect(darkBackground).not.toBe(lightBackground)
    await page.reload()
    await page.getByText('Engine ready').waitFor()
    expect(await page.getByRole('radio', { name: 'Dark' }).getAttribute('aria-checked')).toBe('true')
    expect(await background(), 'dark after a reload, though the system is light').toBe(darkBackground)
    await page.screenshot({ path: `${ARTIFACTS}/theme-dark-chosen.png` })

    await page.getByRole('radio', { name: 'System' }).click()
    expect(await background()).toBe(lightBackground)
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await background(), 'System follows the system again').toBe(darkBackground)
    await page.getByRole('radio', { name: 'Light' }).click()
    await page.reload()
    await page.getByText('Engine ready').waitFor()
    expect(await background(), 'light after a reload, though the system is dark').toBe(lightBackground)
    await page.emulateMedia({ colorScheme: 'light' })
    expect(problems, problems.join('\n')).toEqual([])
  })
})
