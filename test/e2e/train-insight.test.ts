import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { defaultTrainingConfig } from '../../src/shared/training'
import { buildApp, recordLongTasks, settledFrame, takeLongTasks, writeDigitFolder } from './app-helpers'
import { launchChromium, openPage } from './browser'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'

const ARTIFACTS = 'test-artifacts'

/**
 * What the page shows while the learning-rate finder sweeps, sampled at every DOM change: the
 * tests compile without the DOM's types, so this runs in the page as text.
 */
const WATCH_SWEEP = `globalThis.sweepSeen = [];
  new MutationObserver(() => {
    const progress = document.querySelector('[data-testid=lr-find-progress]')
    if (!progress) return
    globalThis.sweepSeen.push({
      text: progress.textContent.trim(),
      train: document.querySelector('[data-testid=train-button]').disabled,
      stop: document.querySelector('[data-testid=stop-button]').disabled,
      points: Number(document.querySelector('[data-testid=lr-chart]')?.dataset.points ?? 0),
    })
  }).observe(document.body, { subtree: true, childList: true, characterData: true })`

interface SweepSample {
  readonly text: string
  readonly train: boolean
  readonly stop: boolean
  readonly points: number
}

/** After training: the learning-rate finder, where the model is wrong, pixel similarity's accuracy, a reload. */
describeNeeding(chromiumMissing(), 'Train view insight in a browser', () => {
  let server: WebServer
  let service: DigitLabService
  let browser: Browser
  let page: Page
  let problems: string[]
  const longTasks: Record<string, number[]> = {}

  const shoot = async (name: string): Promise<void> => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await settledFrame(page)
      await page.screenshot({ path: `${ARTIFACTS}/${name}-${scheme}.png` })
    }
    await page.emulateMedia({ colorScheme: 'light' })
  }
  /** Pick a model as a person does: its button (the radio's label), scrolled into view. */
  const pick = (model: string) => page.locator('label', { has: page.getByRole('radio', { name: model }) }).click()
  const numbers = async (testId: string): Promise<number[]> => (await page.getByTestId(testId).allTextContents()).map((text) => Number(text.replace(/,/g, '')))
  // NOTE: long tasks depend on the machine's load: recorded (test-artifacts/long-tasks-train-insight.json), not asserted.
  const measure = async (name: string): Promise<void> => {
    longTasks[name] = await takeLongTasks(page)
  }

  beforeAll(async () => {
    const rendererDir = await buildApp()
    let broadcast: WebServer['broadcast'] = () => {}
    service = new DigitLabService({ version: 'e2e-insight', emit: (event) => broadcast(event) })
    server = await startWebServer(service, rendererDir)
    broadcast = server.broadcast
    browser = await launchChromium()
    ;({ page, problems } = await openPage(browser, server.url, 'light', recordLongTasks))
    await page.getByText('Engine ready').waitFor()
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.getByRole('button', { name: /MNIST 3 vs 7/ }).click()
    await page.getByTestId('class-counts').waitFor()
    await page.keyboard.press('2')
  }, 120_000)

  // A page error fails the test it happened in, by name, not the timeouts it leaves behind.
  afterEach(() => expect(problems, problems.join('\n')).toEqual([]))

  afterAll(async () => {
    if (Object.keys(longTasks).length > 0) writeFileSync(`${ARTIFACTS}/long-tasks-train-insight.json`, JSON.stringify(longTasks, null, 2))
    await browser?.close()
    await server?.close()
  })

  it('refuses to find a learning rate for pixel similarity, saying why', async () => {
    await pick('Pixel similarity')
    await page.getByTestId('lr-find-button').click()
    await expect.poll(() => page.getByTestId('lr-find-error').textContent()).toMatch(/pixel similarity learns no weights, so it has no learning rate to find/)
  })

  it('shows the sweep as it goes, with Train off and Stop on, and Stop ends it without touching the run', async () => {
    await pick('CNN')
    await page.evaluate(WATCH_SWEEP)
    await page.getByTestId('lr-find-button').click()
    await page.getByTestId('lr-find-progress').getByText(/^Step \d+ \/ 100/).waitFor({ timeout: 30_000 })
    await expect.poll(() => page.getByTestId('lr-chart').getAttribute('data-points')).toMatch(/^[2-9]|\d\d$/)
    expect(await page.getByTestId('train-button').isDisabled()).toBe(true)
    await page.getByTestId('lr-finder').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${ARTIFACTS}/train-lr-finder-sweeping-light.png` })
    await page.getByTestId('stop-button').click()
    await page.getByTestId('lr-suggestion').or(page.getByTestId('lr-find-error')).waitFor({ timeout: 30_000 })
    const seen = (await page.evaluate('globalThis.sweepSeen')) as SweepSample[]
    expect(seen.filter((sample) => sample.text.startsWith('Step')).every((sample) => sample.train && !sample.stop)).toBe(true)
    expect(await page.getByTestId('lr-finder').textContent()).toMatch(/Stopped after \d+ steps/)
    expect(await page.getByTestId('train-button').isDisabled()).toBe(false)
    expect(await page.getByTestId('status-training').textContent(), 'a sweep is not a training run').toContain('Not trained yet')
  })

  it('finds a learning rate for simple_net: a curve, and the api\'s suggestion in the range that trains, which fills the form', async () => {
    await pick('simple_net')
    await takeLongTasks(page)
    await page.getByTestId('lr-find-button').click()
    const suggestion = page.getByTestId('lr-suggestion')
    await suggestion.waitFor({ timeout: 60_000 })
    await measure('the learning-rate finder sweeping simple_net')
    const shown = Number(await suggestion.getAttribute('data-value'))
    expect(Number.isFinite(shown)).toBe(true)
    expect(shown).toBeGreaterThan(1e-4)
    expect(shown).toBeLessThan(10)
    expect(Number(await page.getByTestId('lr-chart').getAttribute('data-points'))).toBeGreaterThan(20)

    // The same sweep again through the api: same config, same seed, same curve, bit for bit.
    const api = await service.lrFind(defaultTrainingConfig('simple_net', 2))
    expect(shown).toBe(api.suggestion.lr)
    expect(Number(await suggestion.textContent())).toBe(Number(api.suggestion.lr.toPrecision(3)))
    expect(await page.getByTestId('lr-rule').textContent()).toContain(api.suggestion.description)

    await page.getByTestId('use-lr').click()
    expect(Number(await page.locator('input[data-field=lr]').inputValue())).toBe(Number(shown.toPrecision(3)))
    await expect.poll(() => page.getByTestId('use-lr').textContent()).toContain('In use')
    await page.getByTestId('lr-finder').scrollIntoViewIfNeeded()
    await shoot('train-lr-finder')
  })

  it('trains with it, then shows where the model is wrong: a confusion matrix of every validation image, each cell opening its own', async () => {
    await page.locator('input[data-field=epochs]').fill('2')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })
    expect(Number(await page.getByTestId('run-accuracy').getAttribute('data-value')), 'the suggested rate trains').toBeGreaterThan(0.9)
    await page.getByTestId('interpretation').waitFor()

    const cells = await numbers('confusion-cell')
    expect(cells).toHaveLength(4)
    expect(cells.reduce((a, b) => a + b)).toBe(2038)
    const view = (await service.interpretation())!
    expect(cells).toEqual(view.confusion.flat())
    expect(await page.getByTestId('top-loss').count()).toBe(view.topLosses.length)
    await expect.poll(() => page.getByTestId('top-losses').locator('canvas').count()).toBe(view.topLosses.length)
    expect(await page.getByTestId('most-confused').textContent()).toContain(`${view.mostConfused[0].count}×`)

    // The off-diagonal cell with the most mistakes: exactly its images, in order.
    const [actual, predicted] = view.confusion[0][1] >= view.confusion[1][0] ? [0, 1] : [1, 0]
    const expected = view.actual.flatMap((a, i) => (a === actual && view.predicted[i] === predicted ? [i] : []))
    expect(expected.length).toBeGreaterThan(0)
    await takeLongTasks(page)
    await page.locator(`[data-testid=confusion-cell][data-actual="${actual}"][data-predicted="${predicted}"]`).click()
    const images = page.getByTestId('cell-image')
    await expect.poll(() => images.count()).toBe(Math.min(expected.length, 120))
    expect((await images.evaluateAll((buttons) => buttons.map((b) => Number(b.getAttribute('data-index'))))).slice(0, 120)).toEqual(expected.slice(0, 120))
    expect(new Set(await images.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-label'))))).toEqual(new Set([String(actual)]))
    expect(await page.getByTestId('cell-count').textContent()).toMatch(new RegExp(`^${expected.length} validation image`))
    await measure('opening a confusion-matrix cell')
    await shoot('train-confusion-cell')

    await images.first().click()
    await page.getByTestId('image-detail').getByText(`Predicted “${view.labels[predicted]}”`).waitFor()
    expect(await page.getByTestId('pixel-table').locator('td').count()).toBe(784)
    await page.keyboard.press('Escape')
    await page.getByTestId('image-dialog').waitFor({ state: 'detached' })
    await page.keyboard.press('Escape')
    await page.getByTestId('cell-dialog').waitFor({ state: 'detached' })

    // A diagonal cell holds hundreds: they come a page at a time.
    await page.locator('[data-testid=confusion-cell][data-actual="0"][data-predicted="0"]').click()
    await expect.poll(() => images.count()).toBe(120)
    await page.getByRole('button', { name: /^Show 120 more of/ }).click()
    await expect.poll(() => images.count()).toBe(240)
    await page.keyboard.press('Escape')
    await page.getByTestId('cell-dialog').waitFor({ state: 'detached' })

    await page.getByTestId('interpretation').scrollIntoViewIfNeeded()
    await shoot('train-interpretation')
  })

  it('shows pixel similarity\'s accuracy, though it trains no epoch', async () => {
    await pick('Pixel similarity')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })
    expect(Number(await page.getByTestId('run-accuracy').getAttribute('data-value'))).toBeCloseTo(0.9514, 4)
    expect(await page.getByTestId('run-accuracy').textContent()).toBe('95.1%')
    // It trains nothing, and every panel says so rather than "trained 0 epochs" or waiting for curves.
    expect(await page.getByTestId('run-state').textContent()).toContain("compared the validation images with each class's mean image")
    expect((await page.getByTestId('chart-caption').textContent())?.trim()).toBe('No loss curve: pixel similarity trains no batch.')
    expect((await page.getByTestId('chart-caption').boundingBox())!.height, 'one line, as the caption of a run: the chart does not move').toBeLessThan(24)
    expect(await page.getByTestId('epoch-table').textContent()).toContain('Pixel similarity trains no epoch')
    expect(await page.getByTestId('status-training').textContent()).toMatch(/Training completed\s*pixel similarity/)
    await page.getByTestId('run-progress').scrollIntoViewIfNeeded()
    await shoot('train-pixel-similarity')
    await page.getByTestId('interpretation').waitFor()
    expect((await numbers('confusion-cell')).reduce((a, b) => a + b)).toBe(2038)
  })

  it('finds the open dataset, the model and where it is wrong again after a reload; another dataset lets the last go', async () => {
    await takeLongTasks(page)
    await page.reload()
    await page.getByText('Engine ready').waitFor()
    await expect.poll(() => page.getByTestId('status-dataset').textContent()).toContain('MNIST 3 vs 7')
    await page.getByTestId('class-counts').waitFor()
    await page.keyboard.press('3')
    await expect.poll(() => page.getByTestId('model-badge').textContent()).toMatch(/pixel similarity.*accuracy 95\.1%/i)

    // Where the model is wrong comes back too, each cell still opening its own images.
    await page.keyboard.press('2')
    await page.getByTestId('interpretation').waitFor()
    expect((await numbers('confusion-cell')).reduce((a, b) => a + b)).toBe(2038)
    await expect.poll(() => page.getByTestId('top-losses').locator('canvas').count()).toBeGreaterThan(0)
    await page.locator('[data-testid=confusion-cell][data-actual="1"][data-predicted="1"]').click()
    await expect.poll(() => page.getByTestId('cell-image').count()).toBe(120)
    expect(new Set(await page.getByTestId('cell-image').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-label'))))).toEqual(new Set(['1']))
    await page.keyboard.press('Escape')
    await page.getByTestId('cell-dialog').waitFor({ state: 'detached' })
    await page.getByTestId('interpretation').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${ARTIFACTS}/train-interpretation-after-reload-light.png` })

    // Another dataset: the interpretation belongs to the last one, and goes, here and after a reload.
    await page.keyboard.press('1')
    await page.getByLabel('Folder path').fill(await writeDigitFolder(5))
    await page.getByRole('button', { name: 'Open', exact: true }).click()
    await expect.poll(() => page.getByTestId('status-dataset').textContent()).toMatch(/^digit-lab-e2e-folder/)
    await page.keyboard.press('2')
    expect(await page.getByTestId('interpretation').count()).toBe(0)
    expect(await service.interpretation()).toBeNull()
    await page.reload()
    await page.getByText('Engine ready').waitFor()
    await page.keyboard.press('2')
    await expect.poll(() => page.getByTestId('status-dataset').textContent()).toMatch(/^digit-lab-e2e-folder/)
    expect(await page.getByTestId('interpretation').count()).toBe(0)
    expect(problems, problems.join('\n')).toEqual([])
  })
})
