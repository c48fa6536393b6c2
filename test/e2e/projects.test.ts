import { mkdirSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { WebServer } from '../../src/main/web/server'
import { tempFolder } from '../helpers/temp-folder'
import { buildApp, dropFiles, dropFromDisk, openApp, pixelCsv, serveApp, train, writeDigitFolder } from './app-helpers'
import { launchChromium } from './browser'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'

const ARTIFACTS = 'test-artifacts'
/** simple_net on MNIST 3 vs 7 at batch size 256: batches per epoch, points per epoch on the loss chart. */
const BATCHES_PER_EPOCH = 49

/** The app in browser mode on a service of its own: a fresh launch each time. */
const launch = async (rendererDir: string): Promise<WebServer> => (await serveApp(rendererDir)).server

/** Save, open and continue a project in the real app: the table and the chart go on where they stood. */
describeNeeding(chromiumMissing(), 'projects in a browser', () => {
  let rendererDir: string
  const servers: WebServer[] = []
  let browser: Browser
  let page: Page
  let problems: string[]
  let saved = ''

  const shoot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png` })
  const show = async (key: '1' | '2' | '3' | '4', name: RegExp) => {
    await page.keyboard.press(key)
    await page.locator('nav button[aria-current=page]', { hasText: name }).waitFor()
  }
  const epochRows = () => page.getByTestId('epoch-table').locator('tbody tr')
  const chartPoints = () => page.getByTestId('loss-chart').getAttribute('data-points')

  beforeAll(async () => {
    rendererDir = await buildApp()
    servers.push(await launch(rendererDir))
    browser = await launchChromium()
    ;({ page, problems } = await openApp(browser, servers[0].url))
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 180_000)

  // A page error fails the test it happened in, by name, not the timeouts it leaves behind.
  afterEach(() => expect(problems, problems.join('\n')).toEqual([]))

  afterAll(async () => {
    await browser?.close()
    for (const server of servers) await server.close()
  })

  it('trains 1 epoch and saves the project: a download of a .digitlab file', async () => {
    await page.getByRole('button', { name: /MNIST 3 vs 7/ }).click()
    await page.getByTestId('class-counts').waitFor()
    await train(page, 'simple_net', { epochs: '1', seed: '7' })
    expect(await page.getByTestId('run-state').textContent()).toMatch(/— trained 1 epoch\s*$/)
    expect(await epochRows().count()).toBe(1)

    await show('4', /export/i)
    await expect.poll(() => page.getByTestId('project-summary').textContent()).toMatch(/simple_net on MNIST 3 vs 7, 1 epoch · not saved yet/)
    const download = page.waitForEvent('download')
    await page.getByTestId('save-project').click()
    saved = join(await tempFolder('e2e-project'), 'digits.digitlab')
    await (await download).saveAs(saved)
    // Ctrl+S saves it too, from any view (the page's own Save is not what it does).
    await show('2', /train/i)
    const again = page.waitForEvent('download')
    await page.keyboard.press('Control+s')
    expect((await again).suggestedFilename()).toBe('simple_net-mnist-sample-1-epochs.digitlab')
    await show('4', /export/i)
    await expect.poll(() => page.getByTestId('project-saved').textContent()).toMatch(/simple_net-mnist-sample-1-epochs\.digitlab \(downloaded\).*1 epoch\s*$/)
    expect(await page.getByTestId('project-summary').textContent()).toMatch(/1 epoch · downloaded as simple_net-mnist-sample-1-epochs\.digitlab/)
    await shoot('export-project-saved-light')
  })

  it('opens the downloaded file, chosen in a file picker, in a fresh launch: the data reopens, the table shows its epoch; Continue adds a second row and the chart goes on', async () => {
    servers.push(await launch(rendererDir))
    await page.goto(servers[1].url)
    await page.getByText('Engine ready').waitFor()
    await show('4', /export/i)
    expect(await page.getByLabel('Project file to open').getAttribute('accept')).toBe('.digitlab')
    await page.getByLabel('Project file to open').setInputFiles(saved)
    await expect.poll(() => page.getByTestId('project-summary').textContent()).toMatch(/simple_net on MNIST 3 vs 7, 1 epoch · digits\.digitlab \(uploaded\)$/)
    await shoot('export-project-opened-light')
    await expect.poll(() => page.getByTestId('status-dataset').textContent()).toContain('MNIST 3 vs 7')
    await expect.poll(() => page.getByTestId('model-badge').textContent()).toContain('simple_net')

    await show('2', /train/i)
    expect(await epochRows().count()).toBe(1)
    expect(await page.getByTestId('run-restored').textContent()).toBe('Project digits.digitlab: simple_net, 1 epoch')
    await expect.poll(chartPoints).toBe(String(BATCHES_PER_EPOCH))
    // The form shows what the project was trained with (not the model's defaults: 40 epochs, seed 42), so Train runs that.
    expect(await page.locator('input[data-field=epochs]').inputValue()).toBe('1')
    expect(await page.locator('input[data-field=seed]').inputValue()).toBe('7')
    expect(await page.getByTestId('settings-source').textContent()).toBe('of project digits.digitlab')
    const firstRow = await epochRows().first().locator('td').allTextContents()
    await shoot('train-project-opened-light')
    await page.getByTestId('continue-epochs').fill('1')
    await page.getByTestId('continue-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('run-state').textContent()).toContain('trained 1 epoch more (2 epochs in all)')
    await expect.poll(() => epochRows().count()).toBe(2)
    expect(await epochRows().first().locator('td').allTextContents()).toEqual(firstRow)
    expect(await epochRows().nth(1).locator('td').first().textContent()).toBe('1')
    await expect.poll(chartPoints).toBe(String(2 * BATCHES_PER_EPOCH))
    await shoot('train-project-continued-light')

    // A reloaded page finds the project main holds, both epochs of it.
    await page.reload()
    await page.getByText('Engine ready').waitFor()
    await show('2', /train/i)
    await expect.poll(() => epochRows().count()).toBe(2)
    expect(await page.getByTestId('continue-panel').textContent()).toMatch(/Project: simple_net, 2 epochs trained/)
    // Still named as it was chosen, not by the temporary copy's path.
    await show('4', /export/i)
    await expect.poll(() => page.getByTestId('project-summary').textContent()).toMatch(/simple_net on MNIST 3 vs 7, 2 epochs · digits\.digitlab \(uploaded\)$/)
  })

  it('refuses a damaged or foreign file, chosen or typed, with the storage layer’s message, keeping the project it holds', async () => {
    await show('4', /export/i)
    const bytes = await readFile(saved)
    bytes[bytes.length - 5] ^= 0xff
    const damaged = join(await tempFolder('e2e-damaged'), 'damaged.digitlab')
    await writeFile(damaged, bytes)
    await page.getByLabel('Project file to open').setInputFiles(damaged)
    // Named as the person chose it, not by the temporary copy's path.
    await expect.poll(() => page.getByTestId('open-project-error').textContent()).toMatch(/^damaged\.digitlab is damaged: its checksum does not match its contents/)
    expect(await page.getByTestId('project-summary').textContent()).toMatch(/simple_net on MNIST 3 vs 7, 2 epochs · digits\.digitlab \(uploaded\)$/)
    await shoot('export-project-damaged-light')

    const foreign = join(await tempFolder('e2e-foreign'), 'notes.digitlab')
    await writeFile(foreign, 'shopping list: eggs, milk')
    await page.getByTestId('open-project-path').fill(foreign)
    await page.getByTestId('open-project').click()
    await expect.poll(() => page.getByTestId('open-project-error').textContent()).toMatch(/notes\.digitlab is not a Digit Lab project/)
    // A file dropped on the Project panel is uploaded and opened the same way.
    await dropFiles(page, '[data-testid=project-panel]', [{ name: 'dropped.digitlab', bytes: 'shopping list: eggs, milk' }])
    await expect.poll(() => page.getByTestId('open-project-error').textContent()).toMatch(/^dropped\.digitlab is not a Digit Lab project/)
    expect(await page.getByTestId('project-summary').textContent()).toMatch(/simple_net on MNIST 3 vs 7, 2 epochs/)
  })

  it('opens a project dropped on the Draw view, as the Project panel would: in the Export view', async () => {
    await show('3', /draw/i)
    await dropFiles(page, '[data-testid=draw-pad]', [{ name: 'digits.digitlab', bytes: await readFile(saved) }])
    await page.locator('nav button[aria-current=page]', { hasText: /export/i }).waitFor()
    await expect.poll(() => page.getByTestId('project-summary').textContent()).toMatch(/simple_net on MNIST 3 vs 7, 1 epoch · digits\.digitlab \(uploaded\)$/)
    expect(await page.getByTestId('open-project-error').count()).toBe(0)
  })

  it('places the validation points where each epoch really ended after a run was stopped part-way and continued, live and after a reload', async () => {
    await show('2', /train/i)
    const epochText = page.getByTestId('run-progress').locator('dd').first()
    // Stop a few epochs in. An epoch here takes tens of milliseconds and the page hears of a batch every 50 ms, so
    // the batch it shows cannot time the Stop: it lands where it lands, mostly mid-epoch. One that lands just as an
    // epoch ends leaves every epoch whole; then the run is continued and stopped again.
    let stoppedAt = 0
    for (let attempt = 0; attempt < 6 && stoppedAt % BATCHES_PER_EPOCH === 0; attempt++) {
      const epochsBefore = await epochRows().count()
      await page.getByTestId('continue-epochs').fill('500')
      await page.getByTestId('continue-button').click()
      // NOTE: what the page showed goes into the failure, so a run that never got going says why.
      const shown = async (): Promise<string> => JSON.stringify({
        epoch: await epochText.textContent(), rows: await epochRows().count(), epochsBefore, attempt,
        state: await page.getByTestId('run-state').textContent(), continuePanel: await page.getByTestId('continue-panel').textContent(),
      })
      await expect.poll(async () => (await epochRows().count()) >= epochsBefore + 2 || (await shown()), { timeout: 60_000, interval: 10 }).toBe(true)
      await page.getByTestId('stop-button').click()
      await page.getByTestId('run-state').getByText('Training stopped').waitFor({ timeout: 30_000 })
      // Every batch the stopped run trained reaches the chart, the last few (sent when it stopped) too.
      stoppedAt = Number((await page.getByTestId('chart-caption').textContent())!.match(/(\d+) batches/)![1])
    }
    await expect.poll(chartPoints).toBe(String(stoppedAt))
    expect(await page.getByTestId('run-state').textContent()).toContain(`stopped after ${stoppedAt} batches`)
    const rows = await epochRows().count()
    expect(stoppedAt % BATCHES_PER_EPOCH, 'stopped part-way through an epoch').not.toBe(0)
    const whole = Array.from({ length: rows }, (_, i) => (i + 1) * BATCHES_PER_EPOCH)
    const part = stoppedAt - rows * BATCHES_PER_EPOCH
    await expect.poll(() => page.getByTestId('continue-panel').textContent()).toMatch(new RegExp(`${rows} epochs and ${part} batch(es)? trained`))
    expect(await page.getByTestId('status-training').textContent()).toMatch(new RegExp(`Training stopped\\s*${rows} epochs and ${part} batch(es)?`))
    expect(await page.getByTestId('loss-chart').getAttribute('data-epoch-ends')).toBe(whole.join(' '))

    await page.getByTestId('continue-epochs').fill('1')
    await page.getByTestId('continue-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })
    const ends = [...whole, stoppedAt + BATCHES_PER_EPOCH].join(' ')
    await expect.poll(chartPoints).toBe(String(stoppedAt + BATCHES_PER_EPOCH))
    expect(await page.getByTestId('loss-chart').getAttribute('data-epoch-ends')).toBe(ends)
    await shoot('train-stopped-continued-light')

    await page.reload()
    await page.getByText('Engine ready').waitFor()
    await show('2', /train/i)
    await expect.poll(() => page.getByTestId('loss-chart').getAttribute('data-epoch-ends')).toBe(ends)
    expect(problems, problems.join('\n')).toEqual([])
  })

  it('refuses a project or a dataset while a run trains, in main’s words and before uploading anything: the run goes on, its data stays', async () => {
    const uploads: string[] = []
    page.on('request', (request) => void (new URL(request.url()).pathname.startsWith('/upload') && uploads.push(request.url())))
    const project = { name: 'digits.digitlab', bytes: await readFile(saved) }
    const csv = { name: 'other-digits.csv', bytes: pixelCsv(20) }
    await show('2', /train/i)
    const rowsBefore = await epochRows().count()
    await page.getByTestId('continue-epochs').fill('500')
    await page.getByTestId('continue-button').click()
    await expect.poll(() => epochRows().count(), { timeout: 60_000 }).toBeGreaterThan(rowsBefore)

    await show('4', /export/i)
    const summary = await page.getByTestId('project-summary').textContent()
    await dropFiles(page, '[data-testid=project-panel]', [project])
    await expect.poll(() => page.getByTestId('open-project-error').textContent()).toBe('a training run is in progress; stop it before opening a project')
    await shoot('export-project-refused-training-light')
    // Chosen with Open project file… too (a file nothing opens first, so the refusal shown is the chooser's).
    await dropFiles(page, '[data-testid=project-panel]', [{ name: 'notes.txt', bytes: 'shopping list' }])
    await expect.poll(() => page.getByTestId('open-project-error').textContent()).toMatch(/^notes\.txt is not/)
    await page.getByLabel('Project file to open').setInputFiles(saved)
    await expect.poll(() => page.getByTestId('open-project-error').textContent()).toBe('a training run is in progress; stop it before opening a project')
    expect(await page.getByTestId('project-summary').textContent()).toBe(summary)

    await show('3', /draw/i)
    await dropFiles(page, '[data-testid=draw-pad]', [project])
    await expect.poll(() => page.getByTestId('open-model-error').textContent()).toBe('a training run is in progress; stop it before opening a project')
    await dropFiles(page, '[data-testid=draw-pad]', [csv])
    await expect.poll(() => page.getByTestId('open-model-error').textContent()).toBe('a training run is in progress; stop it before opening another dataset')
    // A folder dragged from the disk onto the drop zone, as a person would.
    const folder = await writeDigitFolder(5)
    await show('1', /data/i)
    await dropFromDisk(page, '[aria-label="Drop a folder of digit images"]', [folder])
    await expect.poll(() => page.getByTestId('dataset-error').textContent()).toBe('a training run is in progress; stop it before opening another dataset')
    await shoot('data-dataset-refused-training-light')

    expect(uploads, 'nothing was uploaded').toEqual([])
    expect(await page.getByTestId('status-dataset').textContent()).toContain('MNIST 3 vs 7')
    // The run went on all along, and still does.
    const rowsNow = await epochRows().count()
    await show('2', /train/i)
    await expect.poll(() => epochRows().count(), { timeout: 60_000 }).toBeGreaterThan(rowsNow)
    expect(await page.getByTestId('run-state').textContent()).not.toMatch(/Training (completed|stopped|crashed|diverged)/)
    await page.getByTestId('stop-button').click()
    await page.getByTestId('run-state').getByText('Training stopped').waitFor({ timeout: 30_000 })
  })
})
