import { mkdirSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PERSONAL_DATASET } from '../../src/shared/collect'
import { tempFolder } from '../helpers/temp-folder'
import { classCounts, painted, settledFrame, showView, startApp, type RunningApp } from './app-helpers'

const ARTIFACTS = 'test-artifacts'
const DIGITS = ['1', '4', '7']
const PER_DIGIT = 3

/** A stroke per digit, in pad pixels (the pad is 280×280): a bar, an open 4, a 7. */
const STROKES: Record<string, readonly (readonly [number, number])[][]> = {
  '1': [[[140, 50], [140, 235]]],
  '4': [[[110, 50], [80, 160], [200, 160]], [[170, 80], [170, 240]]],
  '7': [[[80, 60], [200, 60], [150, 150], [120, 235]]],
}

/** Draw `digit` on the pad with the mouse, each variant a little shifted. */
async function drawDigit(page: Page, digit: string, variant: number): Promise<void> {
  const box = (await page.getByTestId('draw-pad').boundingBox())!
  const shift = (variant % 3) * 8 - 8
  for (const stroke of STROKES[digit]) {
    await page.mouse.move(box.x + stroke[0][0] + shift, box.y + stroke[0][1])
    await page.mouse.down()
    for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x + shift, box.y + y, { steps: 8 })
    await page.mouse.up()
  }
}

/** Collect mode in a browser: three digits asked in turn, undo, the files on disk, and the folder opened as a dataset. */
describe('collecting drawings in a browser', () => {
  let app: RunningApp
  let page: Page
  let problems: string[]
  let personal: string

  const asked = async () => (await page.getByTestId('collect-asked').textContent())!.replace('Draw a ', '').trim()
  const progress = () => page.getByTestId('collect-progress').textContent()
  let drawn = 0
  /** Draw the digit asked for and save it; returns that digit. */
  /** Draw the digit asked for and keep it: by its button, or by Enter. */
  const drawAsked = async (by: 'click' | 'Enter' = 'click') => {
    const digit = await asked()
    const before = await progress()
    await drawDigit(page, digit, drawn++)
    if (by === 'click') await page.getByTestId('collect-save').click()
    else await page.keyboard.press('Enter')
    await expect.poll(progress).not.toBe(before)
    return digit
  }

  beforeAll(async () => {
    const dataFolder = await tempFolder('e2e-collect-data')
    personal = join(dataFolder, 'datasets', PERSONAL_DATASET)
    app = await startApp({ dataFolder })
    ;({ page, problems } = app)
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 180_000)

  afterEach(() => expect(problems, problems.join('\n')).toEqual([]))

  afterAll(() => app?.close())

  it(`asks for ${DIGITS.join(', ')} in turn, ${PER_DIGIT} of each, takes one back, and keeps them as PNG files`, async () => {
    await showView(page, 'draw')
    await expect.poll(() => page.getByTestId('collect-folder').textContent()).toBe(personal)
    // No folder is open: the open-folder target says so, and saves nothing there.
    await page.getByRole('button', { name: 'Open folder', exact: true }).click()
    await page.getByText(/^no dataset is open: open a folder of class folders first, or collect into your personal dataset/).waitFor()
    expect(await page.getByRole('button', { name: 'Start collecting' }).isDisabled()).toBe(true)
    await page.getByRole('button', { name: 'My handwriting', exact: true }).click()
    await expect.poll(() => page.getByTestId('collect-folder').textContent()).toBe(personal)
    const digits = page.getByRole('group', { name: 'Digits to ask for' })
    for (const digit of ['0', '2', '3', '5', '6', '8', '9']) await digits.getByRole('button', { name: digit, exact: true }).click()
    expect(await digits.locator('[aria-pressed=true]').allTextContents()).toEqual(DIGITS)
    await page.getByLabel('Drawings of each digit').fill(String(PER_DIGIT))
    await page.getByRole('button', { name: 'Start collecting' }).click()

    const saved: string[] = []
    for (let i = 0; i < 4; i++) saved.push(await drawAsked())
    expect(saved).toEqual(['1', '4', '7', '1'])
    await expect.poll(progress).toBe(`4 of ${DIGITS.length * PER_DIGIT} drawings`)
    // Undo the last: the 1 is deleted, and a 1 is asked for again.
    await page.getByRole('button', { name: 'Undo last' }).click()
    await expect.poll(progress).toBe(`3 of ${DIGITS.length * PER_DIGIT} drawings`)
    expect(await asked()).toBe('1')
    await expect.poll(async () => (await readdir(join(personal, '1'))).length).toBe(1)

    // A drawing on the pad mid-round, for the screenshots: light and dark, 1280×800 and 1024×700.
    await drawDigit(page, await asked(), 0)
    for (const [width, height] of [[1280, 800], [1024, 700]]) {
      await page.setViewportSize({ width, height })
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        await settledFrame(page)
        await page.screenshot({ path: `${ARTIFACTS}/collect-${scheme}-${width}x${height}.png` })
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.getByTestId('collect-save').click()
    drawn++
    await expect.poll(progress).toBe(`4 of ${DIGITS.length * PER_DIGIT} drawings`)

    // The rest by keyboard: Enter keeps the drawing (the focus is on no button once the pad was drawn on).
    await page.evaluate('document.activeElement?.blur()')
    while (!(await page.getByTestId('collect-summary').isVisible())) await drawAsked('Enter')
    expect(await page.getByTestId('collect-summary').textContent()).toContain(`Done: ${DIGITS.length * PER_DIGIT} drawings, ${PER_DIGIT} of each of ${DIGITS.join(', ')}`)
    expect(await page.getByTestId('collect-counts').textContent()).toMatch(new RegExp(DIGITS.map((d) => `${d}\\s*×${PER_DIGIT}`).join('\\s*')))
    await page.screenshot({ path: `${ARTIFACTS}/collect-summary-light.png` })

    // On disk: a class folder per digit, each PNG the pad at its own size, grayscale.
    expect((await readdir(personal)).sort()).toEqual(DIGITS)
    for (const digit of DIGITS) {
      const files = await readdir(join(personal, digit))
      expect(files).toHaveLength(PER_DIGIT)
      const meta = await sharp(join(personal, digit, files[0])).metadata()
      expect([meta.width, meta.height, meta.channels]).toEqual([280, 280, 1])
    }
  }, 180_000)

  it('opens the collected folder as a dataset: the Data view counts each class', async () => {
    await page.getByTestId('collect-summary').waitFor()
    await page.getByRole('button', { name: 'Open as dataset' }).last().click()
    await page.locator('nav button[aria-current=page]', { hasText: /data/i }).waitFor()
    await page.getByTestId('class-counts').waitFor()
    const rows = await classCounts(page)
    const perClass = Object.fromEntries(rows.filter((row) => DIGITS.includes(row[0])).map((row) => [row[0], Number(row[1]) + Number(row[2])]))
    expect(perClass).toEqual(Object.fromEntries(DIGITS.map((d) => [d, PER_DIGIT])))
    await painted(page)
    await page.screenshot({ path: `${ARTIFACTS}/collect-opened-light.png` })
    // Back in Draw, Collect is closed and the folder's counts stay.
    await showView(page, 'draw')
    await expect.poll(() => page.getByTestId('collect-counts').textContent()).toMatch(/1\s*×3\s*4\s*×3\s*7\s*×3/)
  }, 120_000)

  it('with a model: "Add to dataset as" offers the prediction, and "Wrong? It\'s a …" keeps a drawing with the right label in one click', async () => {
    await showView(page, 'train')
    await page.getByRole('radio', { name: 'linear' }).check({ force: true })
    await page.locator('input[data-field=epochs]').fill('2')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })
    await showView(page, 'draw')
    await page.getByTestId('model-badge').waitFor()
    await drawDigit(page, '7', 1)
    await expect.poll(() => page.getByTestId('prediction').textContent()).toMatch(/^[147]$/)
    const best = (await page.getByTestId('prediction').textContent())!
    expect(await page.getByLabel('Label of the drawing').inputValue()).toBe(best)
    const right = DIGITS.find((d) => d !== best)!
    await page.screenshot({ path: `${ARTIFACTS}/collect-add-light.png` })
    const before = (await readdir(join(personal, right))).length
    await page.getByRole('group', { name: /Wrong\? Add the drawing/ }).getByRole('button', { name: `It's a ${right}: add it as ${right}` }).click()
    await expect.poll(async () => (await readdir(join(personal, right))).length).toBe(before + 1)
    // Kept, and the pad is clear for the next one; Undo add takes it back.
    await expect.poll(() => page.getByTestId('prediction').count()).toBe(0)
    expect(await page.getByTestId('last-added').textContent()).toMatch(new RegExp(`Added ${right}/${right}-\\d{8}-\\d{6}-[0-9a-f]{8}\\.png`))
    await page.getByTestId('last-added').getByRole('button', { name: 'Undo' }).click()
    await expect.poll(async () => (await readdir(join(personal, right))).length).toBe(before)
  }, 120_000)
})
