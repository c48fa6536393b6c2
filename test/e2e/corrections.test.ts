import { mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { CORRECTIONS_FILE } from '../../src/shared/corrections'
import { plantedDuplicates, plantedFolder, type PlantedFolder } from '../datasets/planted'
import { tempFolder } from '../helpers/temp-folder'
import { classCounts, showView, startApp, train, type RunningApp } from './app-helpers'

const ARTIFACTS = 'test-artifacts'

/** Relabel and leave out from a matrix cell, the top losses and the thumbnail grid; reload, reimport, undo. */
describe('corrections in a browser', () => {
  let app: RunningApp
  let page: Page
  let folder: PlantedFolder
  let original: string[] = []

  const summary = () => page.getByTestId('corrections-summary').locator('strong').textContent()
  const kept = async () => JSON.parse(await readFile(join(folder.root, CORRECTIONS_FILE), 'utf8')).corrections as { file: string; action: string }[]
  /** Open the folder by its path, and wait until the page shows that opening (not the one before). */
  const openByPath = async (root = folder.root) => {
    const before = (await app.service.currentDataset())?.id
    await showView(page, 'data')
    await page.getByLabel('Folder path').fill(root)
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    await expect.poll(async () => (await app.service.currentDataset())?.id, { timeout: 30_000 }).not.toBe(before)
    await page.getByTestId('corrections-summary').waitFor()
    await page.getByText(/^Opened /).waitFor()
  }
  const total = (rows: string[][]) => rows.map((row) => row.join(' '))

  beforeAll(async () => {
    folder = await plantedFolder(40, 8)
    app = await startApp({ dataFolder: await tempFolder('e2e-data') })
    page = app.page
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 180_000)

  afterEach(() => expect(app.problems, app.problems.join('\n')).toEqual([]))
  afterAll(() => app?.close())

  it('relabels from a confusion-matrix cell and leaves out from the top losses, after a run', async () => {
    await openByPath()
    expect(await summary()).toBe('no corrections')
    const before = await classCounts(page)
    original = total(before)
    await train(page, 'Linear')
    await page.getByTestId('confusion-matrix').waitFor()

    // A cell of 7s: open one of its images large and call it a 3.
    await page.locator('[data-testid=confusion-cell][data-actual="1"]').filter({ hasNotText: /^0$/ }).first().click()
    await page.getByTestId('cell-image').first().click()
    const dialog = page.getByTestId('image-dialog')
    const relabelled = (await dialog.locator('.source').textContent())!.trim()
    await dialog.getByTestId('relabel-choice').selectOption('3')
    await dialog.getByRole('button', { name: 'Relabel' }).click()
    await expect.poll(() => dialog.getByTestId('correction-state').textContent()).toMatch(/Relabelled as “3”/)
    // The title says what the image is now, and what it was.
    expect((await dialog.getByTestId('image-title').textContent())!.replace(/\s+/g, ' ').trim()).toMatch(/^A “3” from (training|validation) · #\d+ \(was “7”\)$/)
    await page.screenshot({ path: `${ARTIFACTS}/corrections-relabelled-dialog.png` })
    await page.keyboard.press('Escape')
    await page.keyboard.press('Escape')
    // The run's mistakes stay on show after the correction.
    await page.getByTestId('top-loss').first().click()
    const leftOut = (await dialog.locator('.source').textContent())!.trim()
    await dialog.getByRole('button', { name: 'Leave out' }).click()
    await expect.poll(() => dialog.getByTestId('correction-state').textContent()).toMatch(/Left out/)
    expect(await dialog.getByTestId('image-title').textContent()).toMatch(/· left out\s*$/)
    await page.keyboard.press('Escape')
    const digest = expect.stringMatching(/^[0-9a-f]{64}$/)
    expect(await kept()).toEqual([{ file: relabelled, action: 'relabel', label: '3', sha256: digest }, { file: leftOut, action: 'leave-out', sha256: digest }])

    await page.keyboard.press('1')
    expect(await summary()).toBe('1 relabelled, 1 left out')
    expect(total(await classCounts(page))).not.toEqual(total(before))
  }, 120_000)

  it('relabels from the thumbnail grid; corrections survive a reload and a reimport', async () => {
    await page.getByTestId('thumbnail-grid').click({ position: { x: 20, y: 20 } })
    const dialog = page.getByTestId('image-dialog')
    const first = (await dialog.locator('.source').textContent())!.trim()
    await dialog.getByTestId('relabel-choice').selectOption('7')
    await dialog.getByRole('button', { name: 'Relabel' }).click()
    await expect.poll(() => dialog.getByTestId('correction-state').textContent()).toMatch(/Relabelled as “7”/)
    await page.keyboard.press('Escape')
    expect(await summary()).toBe('2 relabelled, 1 left out')
    expect((await kept()).at(-1)).toEqual({ file: first, action: 'relabel', label: '7', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const counts = total(await classCounts(page))
    await page.screenshot({ path: `${ARTIFACTS}/corrections-data-view.png` })

    await page.reload()
    await page.getByText('Engine ready').waitFor()
    await page.getByTestId('corrections-summary').waitFor()
    expect(await summary()).toBe('2 relabelled, 1 left out')
    await openByPath()
    expect(await summary()).toBe('2 relabelled, 1 left out')
    expect(total(await classCounts(page))).toEqual(counts)
  }, 60_000)

  it('undoes the corrections one by one, back to the folder as filed', async () => {
    const undo = () => page.getByTestId('corrections').getByRole('button', { name: 'Undo' }).first().click()
    await undo()
    await expect.poll(summary).toBe('1 relabelled, 1 left out')
    await undo()
    await expect.poll(summary).toBe('1 relabelled')
    await undo()
    await expect.poll(summary).toBe('no corrections')
    expect(await kept()).toEqual([])
    expect(total(await classCounts(page))).toEqual(original)
  })

  it('data settings: the validation share, polarity and augmentation change what the Data view shows', async () => {
    await page.locator('nav button', { hasText: 'Data' }).click()
    const settings = page.getByTestId('data-settings')
    await settings.locator('input[data-field=validPercent]').fill('50')
    await settings.getByTestId('apply-data-settings').click()
    await expect.poll(async () => (await classCounts(page)).at(-1)).toEqual(['All', '40', '40'])
    const mean = () => page.getByTestId('class-counts').locator('canvas').first().screenshot()
    const lightMean = await mean()
    await settings.getByRole('button', { name: 'Invert' }).click()
    await settings.getByTestId('apply-data-settings').click()
    await expect.poll(async () => Buffer.compare(await mean(), lightMean)).not.toBe(0)
    await settings.getByRole('button', { name: 'Automatic' }).click()
    await settings.getByTestId('apply-data-settings').click()
    await expect.poll(async () => Buffer.compare(await mean(), lightMean)).toBe(0)
    await page.getByTestId('augment-toggle').check()
    await expect.poll(() => page.getByTestId('augment-strip').locator('canvas').count()).toBe(16)
    await page.getByTestId('augment').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${ARTIFACTS}/data-settings.png` })
    // The same folder opened again by its path comes back with the settings chosen for it.
    await openByPath()
    expect((await classCounts(page)).at(-1)).toEqual(['All', '40', '40'])
    expect(await settings.locator('input[data-field=validPercent]').inputValue()).toBe('50')
    expect(await page.getByTestId('augment-toggle').isChecked()).toBe(true)
  })

  it('health: planted copies across train/valid and a 3-image class are shown, and the copies left out in one click', async () => {
    await openByPath(await plantedDuplicates())
    await expect.poll(() => page.getByTestId('health-warning').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')))).toEqual(['few-images', 'duplicates', 'duplicates'])
    await page.getByTestId('health').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${ARTIFACTS}/health-warnings.png` })
    await page.getByTestId('health-fix').first().click()
    await expect.poll(() => page.getByTestId('health-warning').count()).toBe(2)
    await page.getByTestId('health-fix').first().click()
    await expect.poll(() => page.getByTestId('health-warning').count()).toBe(1)
    expect(await summary()).toBe('4 left out')
  })
})
