import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { importDataset } from '../../src/main/datasets'
import { contactSheetPng } from '../../src/main/datasets/contact-sheet'
import { summarizeDataset } from '../../src/main/datasets/summary'
import { tempFolderSync } from '../helpers/temp-folder'
import { grayInput, strokeImage, writeFiles } from './fixtures'

const folder = tempFolderSync('inspect')
const root = join(folder, 'digits')
const run = promisify(execFile)

/** Run `digit-lab inspect` as `npm run inspect` does; resolves with its exit code and output. */
async function inspect(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/digit-lab.mjs', 'inspect', ...args], { env: { ...process.env, INIT_CWD: folder } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

beforeAll(async () => {
  const light = await grayInput(strokeImage(28, 28, true), 28, 28).png().toBuffer()
  const dark = await grayInput(strokeImage(40, 40, false), 40, 40).jpeg().toBuffer()
  const files: Record<string, Uint8Array | string> = { '3/broken.png': 'nope', '7/.DS_Store': 'x' }
  for (let i = 0; i < 6; i++) files[`3/${i}.png`] = light
  for (let i = 0; i < 4; i++) files[`7/${i}.jpg`] = dark
  await writeFiles(root, files)
  writeFileSync(join(folder, 'one.png'), light)
})

describe('dataset summary and contact sheet', () => {
  it('computes per-class counts, the mean image, pixel statistics and samples', async () => {
    const { dataset } = await importDataset(root, { validPercent: 25 })
    const summary = summarizeDataset(dataset, 3)
    const three = summary.classes[0]
    expect(three.label).toBe('3')
    expect([three.train, three.valid]).toEqual([4, 2]) // 25% of 6 is 1.5, rounded to 2
    const stroke = strokeImage(28, 28, true)
    expect(Array.from(three.mean)).toEqual(Array.from(stroke)) // every 3 is the same image
    const mean = stroke.reduce((a, b) => a + b, 0) / 784
    expect(three.stats.mean).toBeCloseTo(mean, 6)
    expect(three.stats.inkFraction).toBeCloseTo(stroke.filter((v) => v > 127).length / 784, 6)
    expect(three.samples).toHaveLength(3)
    expect(Array.from(three.samples[0])).toEqual(Array.from(stroke))
  })

  it('draws one row per class: label, mean image, samples', async () => {
    const { dataset } = await importDataset(root)
    const png = await contactSheetPng(summarizeDataset(dataset, 4))
    const meta = await sharp(png).metadata()
    expect(meta.format).toBe('png')
    expect(meta.height).toBe(4 + 2 * (56 + 4))
    expect(meta.width).toBeGreaterThan(5 * 56)
  })
})

describe('npm run inspect', () => {
  it('--json prints one object: layout, classes, counts per split and class, images, skipped, seconds', async () => {
    const { code, stdout } = await inspect('digits', '--json', '--sheet', 'sheet.png', '--seed', '3')
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report).toMatchObject({ layout: 'class-folders', classes: ['3', '7'], images: 10, contactSheet: join(folder, 'sheet.png') })
    expect(report.counts.train['3'] + report.counts.valid['3']).toBe(6)
    expect(report.skipped).toEqual([
      { file: '7/.DS_Store', reason: 'system file (.DS_Store), not an image' },
      { file: '3/broken.png', reason: 'not an image Digit Lab can read (PNG, JPEG, WebP, GIF, TIFF, AVIF or BMP)' },
    ])
    expect(report.inverted).toBe(4)
    expect(typeof report.seconds).toBe('number')
    expect((await sharp(join(folder, 'sheet.png')).metadata()).format).toBe('png')
  })

  it('prints the plan, the counts and the skipped files for people', async () => {
    const { code, stdout } = await inspect('digits', '--no-sheet')
    expect(code).toBe(0)
    expect(stdout).toMatch(/layout\s+class folders/)
    expect(stdout).toMatch(/3\/broken\.png: not an image Digit Lab can read/)
  })

  it('bad arguments: the usage, exit 2; a refused dataset: the reason, exit 1', async () => {
    const none = await inspect()
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/usage: npm run inspect/)
    expect((await inspect('digits', '--polarity', 'upside-down')).code).toBe(2)
    expect((await inspect('digits', '--bogus')).code).toBe(2)
    const refused = await inspect('one.png', '--no-sheet')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/single image/)
  })
})
