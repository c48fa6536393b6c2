import { mkdirSync } from 'node:fs'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { buildApp } from './app-helpers'
import { launchChromium, openPage } from './browser'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'

const ARTIFACTS = 'test-artifacts/tour'
const VIEWS = ['data', 'train', 'draw', 'export', 'lab'] as const
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
] as const

/**
 * A newcomer's first five minutes, photographed: MNIST 3 vs 7 opened, a model trained, a 7 drawn, then
 * every view in both themes at both window sizes, into test-artifacts/tour/ to be looked at.
 */
describeNeeding(chromiumMissing(), 'the tour of every view', () => {
  let server: WebServer
  let browser: Browser
  let page: Page
  let problems: string[]

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
    ;({ page, problems } = await openPage(browser, server.url))
    await page.getByText('Engine ready').waitFor()
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('opens MNIST 3 vs 7, trains, draws a 7, and photographs every view light and dark at 1280×800 and 1024×700', async () => {
    await page.getByRole('button', { name: /MNIST 3 vs 7/ }).click()
    await page.getByTestId('class-counts').waitFor()
    await view(1)
    await page.getByRole('radio', { name: 'simple_net' }).check({ force: true })
    await page.locator('input[data-field=epochs]').fill('3')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 120_000 })

    await view(2)
    const box = (await page.getByTestId('draw-pad').boundingBox())!
    await page.mouse.move(box.x + 80, box.y + 60)
    await page.mouse.down()
    for (const [x, y] of [[200, 60], [150, 150], [120, 235]]) await page.mouse.move(box.x + x, box.y + y, { steps: 10 })
    await page.mouse.up()
    await expect.poll(() => page.getByTestId('prediction').textContent(), { timeout: 10_000 }).toBe('7')

    // `README_IMAGES=1` also writes README's two screenshots, as small palette PNGs.
    if (process.env.README_IMAGES === '1') {
      for (const [index, name] of [[1, 'train'], [2, 'draw']] as const) {
        await view(index)
        await page.waitForTimeout(400)
        const shot = await page.screenshot({ clip: { x: 188, y: 0, width: 1092, height: index === 1 ? 680 : 470 } })
        await sharp(shot).png({ palette: true, colours: 64, compressionLevel: 9 }).toFile(`docs/images/first-five-${name}.png`)
      }
    }

    for (const size of SIZES) {
      await page.setViewportSize(size)
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        for (let i = 0; i < VIEWS.length; i++) {
          await view(i)
          // NOTE: a chart animates in and the Lab's panels measure; the shot waits for the page to settle.
          await page.waitForTimeout(i === 4 ? 1500 : 400)
          await page.screenshot({ path: `${ARTIFACTS}/${VIEWS[i]}-${scheme}-${size.width}x${size.height}.png` })
        }
      }
    }
    expect(problems, problems.join('\n')).toEqual([])
  })
})
