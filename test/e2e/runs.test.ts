import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { DigitLabService } from '../../src/main/service/digit-lab-service'
import type { WebServer } from '../../src/main/web/server'
import type { RunRecord } from '../../src/shared/runs'
import { plantedFolder } from '../datasets/planted'
import { tempFolder } from '../helpers/temp-folder'
import { buildApp, openApp, openFolderByPath, serveApp, train } from './app-helpers'
import { launchChromium } from './browser'

const ARTIFACTS = 'test-artifacts'

/** Two runs overlaid on the loss chart, saved in a project, reopened in a fresh launch: the same curves. */
describe('compare runs in a browser', () => {
  let rendererDir: string
  const servers: { server: WebServer; service: DigitLabService }[] = []
  let browser: Browser
  let page: Page
  let problems: string[]
  let saved = ''
  let kept: readonly RunRecord[] = []

  const launch = async () => {
    const launched = await serveApp(rendererDir)
    servers.push(launched)
    return launched.server
  }
  /** Go to a view by its sidebar button (a key press would go to the focused checkbox). */
  const show = (title: string) => page.locator('nav button', { hasText: title }).click()
  const overlays = () => page.getByTestId('loss-chart').getAttribute('data-overlays')
  const tickAll = async () => {
    for (const box of await page.getByTestId('run-row').getByRole('checkbox').all()) await box.check()
  }

  beforeAll(async () => {
    rendererDir = await buildApp()
    await launch()
    browser = await launchChromium()
    ;({ page, problems } = await openApp(browser, servers[0].server.url))
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 180_000)

  afterEach(() => expect(problems, problems.join('\n')).toEqual([]))

  afterAll(async () => {
    await browser?.close()
    for (const { server } of servers) await server.close()
  })

  it('lists two runs on this dataset and overlays the ticked ones, one colour each, the legend naming the learning rate', async () => {
    const folder = await plantedFolder(60, 0)
    await openFolderByPath(page, folder.root)
    await train(page, 'simple_net', { epochs: '4', batchSize: '16', lr: '0.1' })
    await train(page, null, { lr: '0.5' })
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2)
    kept = await servers[0].service.runs()
    expect(kept.map((run) => run.config.lr)).toEqual([0.1, 0.5])
    await tickAll()
    await expect.poll(overlays).toBe(kept.map((run) => `${run.id}:${run.batchLosses.length}`).join(' '))
    await page.getByTestId('runs').scrollIntoViewIfNeeded()
    await page.getByTestId('loss-chart').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${ARTIFACTS}/runs-overlaid.png` })

    await show('Export')
    const download = page.waitForEvent('download')
    await page.getByTestId('save-project').click()
    saved = join(await tempFolder('e2e-runs'), 'runs.digitlab')
    await (await download).saveAs(saved)
  }, 120_000)

  it('opens the project in a fresh launch: the same runs, the same curves overlaid', async () => {
    await launch()
    await page.goto(servers[1].server.url)
    await page.getByText('Engine ready').waitFor()
    await show('Export')
    await page.getByLabel('Project file to open').setInputFiles(saved)
    await expect.poll(() => page.getByTestId('project-summary').textContent()).toMatch(/runs\.digitlab/)
    await show('Train')
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2)
    const back = await servers[1].service.runs()
    expect(back.map((run) => [run.id, run.batchLosses, run.epochs, run.final])).toEqual(kept.map((run) => [run.id, run.batchLosses, run.epochs, run.final]))
    await tickAll()
    await expect.poll(overlays).toBe(kept.map((run) => `${run.id}:${run.batchLosses.length}`).join(' '))
    await page.getByTestId('loss-chart').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${ARTIFACTS}/runs-reopened.png` })
  }, 60_000)
})
