import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { showView, startApp, type RunningApp } from './app-helpers'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'
import { writeMixedDigitFolder } from '../helpers/mixed-digits'
import { tempFolder } from '../helpers/temp-folder'

const ARTIFACTS = 'test-artifacts'

/** Issue #14 in the app: a folder of 100 mixed-format digits, the CNN from the MNIST CNN, said before and after. */
describeNeeding(chromiumMissing(), 'your own digits in the app', () => {
  let app: RunningApp
  let page: Page

  beforeAll(async () => {
    app = await startApp()
    page = app.page
  }, 120_000)

  afterEach(() => expect(app.problems, app.problems.join('\n')).toEqual([]))
  afterAll(() => app?.close())

  it('uploads 100 digits, says what the CNN will do before Train, and trains to ≥ 0.97 with its start told beside', async () => {
    const folder = await writeMixedDigitFolder(join(await tempFolder('e2e-own'), 'my-digits'), { perClass: 10 })
    await page.getByLabel('Folder to upload').setInputFiles(folder)
    await page.getByTestId('import-summary').waitFor({ timeout: 60_000 })
    await showView(page, 'train')
    // With no setting touched: a person's own folder gets the CNN, fine-tuned from the MNIST CNN.
    expect(await page.getByRole('radio', { name: 'CNN' }).isChecked()).toBe(true)
    const plan = page.getByTestId('training-plan')
    await plan.waitFor({ timeout: 30_000 })
    expect(await plan.textContent()).toMatch(/^Fine-tune MNIST CNN keeping its outputs for 0, 1, .*9: the first \d+ epochs? train the output layer only, then every layer; \d+ epochs × 5 steps = \d+ optimizer steps in batches of 16, about \d+ s\.$/)
    expect(await page.getByTestId('plan-warnings').textContent()).toMatch(/only 20 validation images/)
    await page.screenshot({ path: `${ARTIFACTS}/own-digits-plan.png` })
    await page.getByRole('button', { name: 'Scratch' }).click()
    await expect.poll(() => plan.textContent(), { timeout: 30_000 }).toMatch(/^Train the CNN from scratch/)
    await page.getByRole('button', { name: 'MNIST CNN' }).click()
    await expect.poll(() => plan.textContent(), { timeout: 30_000 }).toMatch(/^Fine-tune MNIST CNN/)

    await page.getByTestId('train-button').click()
    const after = page.getByTestId('accuracy-after')
    await after.waitFor({ timeout: 300_000 })
    const [before, accuracy] = [Number(await page.getByTestId('accuracy-before').getAttribute('data-value')), Number(await after.getAttribute('data-value'))]
    console.log(`e2e own digits: before ${before}, after ${accuracy}`)
    expect(before).toBeGreaterThan(0.5)
    expect(accuracy).toBeGreaterThanOrEqual(0.97)
    expect(Number(await page.getByTestId('run-progress').getByTestId('run-accuracy').getAttribute('data-value'))).toBe(accuracy)
    await page.screenshot({ path: `${ARTIFACTS}/own-digits-result.png`, fullPage: true })
  }, 600_000)
})
