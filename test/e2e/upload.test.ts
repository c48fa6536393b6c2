import { mkdirSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { buildApp, classCounts, writeDigitFolder } from './app-helpers'
import { launchChromium, openPage } from './browser'

const ARTIFACTS = 'test-artifacts'

/** Browser mode's own ways in: a folder uploaded from the browser, and a theme that outlasts a reload. */
describe('Digit Lab in a browser: folder upload and theme', () => {
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
    await page.evaluate(`(() => {
      const data = new DataTransfer()
      data.items.add(new File(['shopping list: eggs, milk'], 'notes.digitlab'))
      document.querySelector('[aria-label="Drop a folder of digit images"]').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
    })()`)
    await page.locator('nav button[aria-current=page]', { hasText: /export/i }).waitFor()
    await expect.poll(() => page.getByTestId('open-project-error').textContent()).toMatch(/^notes\.digitlab is not a Digit Lab project/)
    expect((await readdir(inUse)).sort()).toEqual(['0', '1'])
    expect((await service.currentDataset())!.source).toBe(inUse)
    await page.keyboard.press('1')
    expect(await page.getByTestId('grid-count').textContent()).toBe('10 images')
    expect(problems, problems.join('\n')).toEqual([])
  })

  it('uploads what is dropped on the drop zone: here a pixel CSV, imported as one', async () => {
    // A drop made in the page (a test cannot drag from the desktop): its items give no folder entries, so its files go as they are.
    await page.evaluate(`(() => {
      const rows = ['label,' + Array.from({ length: 784 }, (_, i) => 'pixel' + i).join(',')]
      for (let i = 0; i < 20; i++) rows.push((i % 2) + ',' + Array.from({ length: 784 }, (_, p) => (p % 28 === 10 + (i % 2) * 8 ? 255 : 0)).join(','))
      const data = new DataTransfer()
      data.items.add(new File([rows.join('\\n')], 'dropped-digits.csv', { type: 'text/csv' }))
      document.querySelector('[aria-label="Drop a folder of digit images"]').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
    })()`)
    await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 30_000 }).toMatch(/^dropped-digits/)
    expect(await classCounts(page)).toEqual([['0', '8', '2'], ['1', '8', '2'], ['All', '16', '4']])
    expect((await service.currentDataset())!.source).toMatch(/digit-lab-upload-[^/]+\/dropped-digits$/)
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
