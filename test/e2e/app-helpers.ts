import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'

/** Build the app into a folder of its own (other e2e files build `out/` at the same time) and return the renderer's folder. */
export async function buildApp(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'digit-lab-e2e-build-'))
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--outDir', outDir, '--logLevel', 'error'], { stdio: 'pipe' })
  return join(outDir, 'renderer')
}

/**
 * A folder of 28×28 PNG digits in class folders, as a person would drop in: `per` ones (a bar)
 * and `per` zeros (a ring), plus one file that is not an image at all.
 */
export async function writeDigitFolder(per: number): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'digit-lab-e2e-folder-'))
  for (const label of ['0', '1']) {
    await mkdir(join(root, label))
    for (let i = 0; i < per; i++) {
      const pixels = Buffer.alloc(28 * 28)
      for (let y = 4; y < 24; y++) {
        for (let x = 4; x < 24; x++) {
          const ink = label === '1' ? Math.abs(x - 14 - (i % 3)) < 2 : Math.abs(Math.hypot(x - 14, y - 14) - 7 - (i % 2)) < 1.5
          if (ink) pixels[y * 28 + x] = 255
        }
      }
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, label, `${label}-${i}.png`))
    }
  }
  await writeFile(join(root, '1', 'scribble.png'), 'this is not a PNG')
  return root
}

/** Record every long task (≥ 50 ms on the page's main thread) from the first script on. */
export async function recordLongTasks(page: Page): Promise<void> {
  // A script of text: it runs in the page, whose types (PerformanceObserver's 'longtask') Node's lack.
  await page.addInitScript({
    content: `globalThis.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((entry) => globalThis.longTasks.push(entry.duration))).observe({ type: 'longtask', buffered: true })`,
  })
}

/** The long tasks recorded since the last call (their durations in ms), and forget them. */
export async function takeLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const durations = (globalThis as unknown as { longTasks: number[] }).longTasks
    return durations.splice(0, durations.length)
  })
}

/** The Data view's class table as rows of [class, train, valid]. */
export async function classCounts(page: Page): Promise<string[][]> {
  const rows = await page.getByTestId('class-counts').locator('tbody tr, tfoot tr').all()
  return Promise.all(rows.map(async (row) => (await row.locator('th, td').allTextContents()).map((text) => text.trim())))
}
