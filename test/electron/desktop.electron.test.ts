import { execFileSync } from 'node:child_process'
import { copyFile, stat, symlink } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { OnnxClassifier } from '../../src/main/onnx'
// @ts-expect-error -- a plain .mjs script with no type declarations
import { probe, sandboxDecision } from '../../scripts/start.mjs'
import { classCounts, drawSeven, dropFromDisk, showView, writeDigitFolder } from '../e2e/app-helpers'
import { describeNeeding, electronBinary } from '../helpers/system-parts'
import { tempFolder } from '../helpers/temp-folder'

const binary = electronBinary()
const missing = 'missing' in binary ? binary.missing : null
if (missing) console.warn(`\n*** the real-Electron suite (test/electron): not run: ${missing} ***\n`)

/**
 * The built app in a folder of its own (other tests rebuild out/ meanwhile): out/, package.json and a link to
 * node_modules, which Electron starts as it starts the repository.
 */
async function builtApp(): Promise<string> {
  const dir = await tempFolder('electron-app')
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--outDir', join(dir, 'out'), '--logLevel', 'error'], { stdio: 'pipe' })
  await copyFile('package.json', join(dir, 'package.json'))
  await symlink(resolve('node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

/** The label path of a menu item, clicked in main as the person would click it. */
async function clickMenu(app: ElectronApplication, ...labels: string[]): Promise<void> {
  await app.evaluate(({ Menu }, path) => {
    let items = Menu.getApplicationMenu()?.items ?? []
    for (const [i, label] of path.entries()) {
      const item = items.find((candidate) => candidate.label === label)
      if (!item) throw new Error(`no menu item ${path.slice(0, i + 1).join(' › ')}`)
      if (i === path.length - 1) return void item.click()
      items = item.submenu?.items ?? []
    }
  }, labels)
}

/** The Digit Lab window as a person uses it: real Electron, the built main bundle, preload under sandbox, native menu. */
describeNeeding(missing, 'the desktop app in real Electron', () => {
  let app: ElectronApplication
  let page: Page
  let exportPath = ''

  beforeAll(async () => {
    const dir = await builtApp()
    const executablePath = (binary as { path: string }).path
    const decision = (sandboxDecision as (facts: unknown) => { noSandbox: boolean })((probe as (binary: string) => unknown)(executablePath))
    app = await electron.launch({ executablePath, args: [dir, ...(decision.noSandbox ? ['--no-sandbox'] : [])], timeout: 60_000 })
    page = await app.firstWindow()
    await page.getByText('Engine ready').waitFor({ timeout: 60_000 })
    // The save dialog, stubbed at the dialog module only: it answers where to export, and remembers it was asked.
    exportPath = join(await tempFolder('electron-export'), 'digits.onnx')
    await app.evaluate(({ dialog }, path) => {
      const asked: string[] = ((globalThis as unknown as { dialogsAsked: string[] }).dialogsAsked = [])
      dialog.showSaveDialog = (async (...args: unknown[]) => {
        asked.push(String((args.at(-1) as { title?: string }).title))
        return { canceled: false, filePath: path }
      }) as typeof dialog.showSaveDialog
    }, exportPath)
  }, 180_000)

  afterAll(async () => {
    if (app && app.process().exitCode === null) await app.close()
  })

  it('starts with one window: Digit Lab, its page sandboxed, the api there and no Node', async () => {
    expect(app.windows()).toHaveLength(1)
    expect(await page.title()).toMatch(/Digit Lab/)
    expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined'])
    // Scripts of text: these tests compile without the DOM's types.
    expect(await page.evaluate('[typeof window.api.engineStatus, typeof window.desktop.pathForFile]')).toEqual(['function', 'function'])
    expect(await app.evaluate(({ app: electronApp }) => electronApp.isReady())).toBe(true)
  })

  it('opens MNIST 3 vs 7', async () => {
    await page.getByRole('button', { name: /MNIST 3 vs 7/ }).click()
    await page.getByTestId('class-counts').waitFor()
    expect(await classCounts(page)).toEqual([['3', '6,131', '1,010'], ['7', '6,265', '1,028'], ['All', '12,396', '2,038']])
  })

  it('trains simple_net for 3 epochs in the worker', async () => {
    await showView(page, 'train')
    await page.getByRole('radio', { name: 'simple_net' }).check({ force: true })
    await page.locator('input[data-field=epochs]').fill('3')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('epoch-table').locator('tbody tr').count()).toBe(3)
  })

  it('classifies a 7 drawn with the mouse', async () => {
    await showView(page, 'draw')
    await drawSeven(page)
    await expect.poll(() => page.getByTestId('prediction').textContent(), { timeout: 10_000 }).toBe('7')
  })

  it('exports through the native save dialog to the path it answered, a file onnxruntime loads', async () => {
    await showView(page, 'export')
    await page.getByTestId('export-button').click()
    await page.getByTestId('export-report').waitFor({ timeout: 60_000 })
    expect(await app.evaluate(() => (globalThis as unknown as { dialogsAsked: string[] }).dialogsAsked)).toEqual(['Export model'])
    expect((await stat(exportPath)).size).toBeGreaterThan(1000)
    const classifier = await OnnxClassifier.open(exportPath)
    expect(classifier.labels).toEqual(['3', '7'])
    await classifier.close()
  })

  it('opens a folder dropped from the disk where it lives (its real path, no upload)', async () => {
    const folder = await writeDigitFolder(10)
    await showView(page, 'data')
    await dropFromDisk(page, '[aria-label="Drop a folder of digit images"]', [folder])
    await expect.poll(() => page.getByTestId('status-dataset').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^${basename(folder)}\\b`))
    expect(await classCounts(page)).toEqual([['0', '8', '2'], ['1', '8', '2'], ['All', '16', '4']])
  })

  it('follows the menu: View › Train shows Train; Appearance and the sidebar picker are one control', async () => {
    await clickMenu(app, 'View', 'Train')
    await page.locator('nav button[aria-current=page]', { hasText: /train/i }).waitFor()
    await clickMenu(app, 'View', 'Appearance', 'Dark')
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark')
    await expect.poll(() => app.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('dark')
    await page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'Light' }).click()
    const checked = () =>
      app.evaluate(({ Menu }) => {
        const view = Menu.getApplicationMenu()?.items.find((item) => item.label === 'View')
        const appearance = view?.submenu?.items.find((item) => item.label === 'Appearance')
        return appearance?.submenu?.items.filter((item) => item.checked).map((item) => item.label)
      })
    await expect.poll(checked).toEqual(['Light'])
  })

  it('quits cleanly while a run trains: the process ends with code 0', async () => {
    await showView(page, 'data')
    await page.getByRole('button', { name: /MNIST 3 vs 7/ }).click()
    await page.getByTestId('class-counts').waitFor()
    await showView(page, 'train')
    await page.locator('input[data-field=epochs]').fill('500')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-progress').waitFor({ timeout: 30_000 })
    const exited = new Promise<number | null>((done) => app.process().once('exit', (code) => done(code)))
    await app.close()
    expect(await exited).toBe(0)
  })
})
