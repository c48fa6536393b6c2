import { existsSync, mkdirSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { chromiumMissing, describeNeeding } from '../helpers/system-parts'
import { tempFolder } from '../helpers/temp-folder'
import { showView, startApp, type RunningApp } from './app-helpers'

const ARTIFACTS = 'test-artifacts'

/** Export → PyTorch project in a browser: the server writes the folder on its machine, at the full path typed. */
describeNeeding(chromiumMissing(), 'Export → PyTorch project in a browser', () => {
  let app: RunningApp

  beforeAll(async () => {
    app = await startApp()
    mkdirSync(ARTIFACTS, { recursive: true })
  }, 180_000)

  afterEach(() => expect(app.problems, app.problems.join('\n')).toEqual([]))

  afterAll(async () => {
    await app?.close()
  })

  it('waits for a run, refuses a path that is not a full one, then writes train.py, the data and the weights at the one typed', async () => {
    const { page } = app
    await showView(page, 'export')
    expect(await page.getByTestId('pytorch-blocker').textContent()).toBe('Train a model or open a project first.')
    expect(await page.getByTestId('export-pytorch').isDisabled()).toBe(true)

    await showView(page, 'data')
    await page.getByRole('button', { name: /MNIST 3 vs 7/ }).click()
    await page.getByTestId('class-counts').waitFor()
    await showView(page, 'train')
    await page.getByRole('radio', { name: 'simple_net' }).check({ force: true })
    await page.locator('input[data-field=epochs]').fill('1')
    await page.getByTestId('train-button').click()
    await page.getByTestId('run-state').getByText('Training completed').waitFor({ timeout: 60_000 })

    await showView(page, 'export')
    await expect.poll(() => page.getByTestId('pytorch-blocker').count()).toBe(0)
    await page.getByTestId('export-pytorch-path').fill('digits-pytorch')
    await page.getByTestId('export-pytorch').click()
    await expect.poll(() => page.getByTestId('export-pytorch-error').textContent()).toMatch(/"digits-pytorch" is not a full path/)

    const dir = join(await tempFolder('e2e-pytorch'), 'digits-pytorch')
    await page.getByTestId('export-pytorch-path').fill(dir)
    await page.getByTestId('export-pytorch').click()
    await page.getByTestId('pytorch-report').waitFor({ timeout: 60_000 })
    const report = await page.getByTestId('pytorch-report').textContent()
    expect(report).toContain(dir)
    expect(report).toMatch(/MNIST's IDX files.*2,000 validation images' logits/)
    expect(await page.getByTestId('export-pytorch-error').count()).toBe(0)
    expect((await readdir(dir)).sort()).toEqual(['README.md', 'check.py', 'data', 'model.onnx', 'reference-logits.safetensors', 'requirements.txt', 'train.py', 'weights.safetensors'])
    expect(existsSync(join(dir, 'data', 'train-images-idx3-ubyte'))).toBe(true)
    await page.getByTestId('pytorch-panel').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${ARTIFACTS}/export-pytorch-light.png`, fullPage: true })

    await page.getByTestId('export-pytorch').click()
    await expect.poll(() => page.getByTestId('export-pytorch-error').textContent()).toMatch(/is not empty: choose a new \(or empty\) folder/)
  }, 180_000)
})
