import { mkdirSync } from 'node:fs'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { drawSeven, painted, showView, startApp, VIEW_IDS, type RunningApp } from './app-helpers'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'
import { tempFolder } from '../helpers/temp-folder'

const ARTIFACTS = 'test-artifacts/tour'
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
] as const

/** Show a view and wait until what it shows has settled: no panel still measuring, painted. */
async function settle(page: Page, id: (typeof VIEW_IDS)[number]): Promise<void> {
  await showView(page, id)
  await expect.poll(() => page.getByText(/^Measuring/).count(), { timeout: 30_000 }).toBe(0)
  await painted(page)
}

/**
 * A newcomer's first five minutes, photographed: MNIST 3 vs 7 opened, a model trained, a 7 drawn, then
 * every view in both themes at both window sizes, into test-artifacts/tour/ to be looked at.
 */
describeNeeding(chromiumMissing(), 'the tour of every view', () => {
  let app: RunningApp

  beforeAll(async () => {
    // A data folder, as `npm run serve` and the desktop app always have (Draw's Collect keeps drawings there).
    app = await startApp({ dataFolder: await tempFolder('e2e-tour-data') })
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 120_000)

  afterAll(() => app?.close())

  it('opens MNIST 3 vs 7, trains, draws a 7, and photographs every view light and dark at 1280×800 and 1024×700', async () => {
    const { page, problems } = app
    await page.getByRole('button', { name: /MNIST 3 vs 7/ }).click()
    await page.getByTestId('class-counts').waitFor()
    await showView(page, 'train')
    await page.getByRole('radio', { name: 'simple_net' }).check({ force: true })
    await page.locator('input[data-field=epochs]').fill('3')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 120_000 })

    await showView(page, 'draw')
    await drawSeven(page)
    await expect.poll(() => page.getByTestId('prediction').textContent(), { timeout: 10_000 }).toBe('7')

    // `README_IMAGES=1` also writes README's two screenshots, as small palette PNGs.
    if (process.env.README_IMAGES === '1') {
      for (const [id, height] of [['train', 680], ['draw', 470]] as const) {
        await settle(page, id)
        const shot = await page.screenshot({ clip: { x: 188, y: 0, width: 1092, height } })
        await sharp(shot).png({ palette: true, colours: 64, compressionLevel: 9 }).toFile(`docs/images/first-five-${id}.png`)
      }
    }

    for (const size of SIZES) {
      await page.setViewportSize(size)
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        for (const id of VIEW_IDS) {
          await settle(page, id)
          await page.screenshot({ path: `${ARTIFACTS}/${id}-${scheme}-${size.width}x${size.height}.png` })
        }
      }
    }
    expect(problems, problems.join('\n')).toEqual([])
  })
})
