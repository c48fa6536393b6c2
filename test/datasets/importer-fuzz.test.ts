import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { importDataset } from '../../src/main/datasets'
import { recordFigures } from '../helpers/figures'
import { tempFolderSync } from '../helpers/temp-folder'
import { grayInput, pngBomb, strokeImage } from './fixtures'

const MUTATED_PER_CLASS = 1500
const GOOD_PER_CLASS = 30

/** One edit of a file's bytes: set a byte (most often), insert one, or cut the file there. */
const edit = fc.tuple(
  fc.nat(),
  fc.integer({ min: 0, max: 255 }),
  fc.oneof({ weight: 6, arbitrary: fc.constant('set') }, { weight: 2, arbitrary: fc.constant('insert') }, { weight: 1, arbitrary: fc.constant('cut') }),
)

function mutate(seed: Buffer, edits: readonly [number, number, string][]): Buffer {
  let bytes = Buffer.from(seed)
  for (const [position, value, kind] of edits) {
    const at = position % Math.max(1, bytes.length)
    if (kind === 'set') bytes[at] = value
    else if (kind === 'cut') bytes = bytes.subarray(0, at)
    else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([value]), bytes.subarray(at)])
  }
  return bytes
}

/** File names people and tools make: spaces, accents, emoji, newlines, leading dashes, 250 bytes. */
const oddName = fc.oneof(
  fc.constant(''),
  fc.constantFrom(' ', 'é', '数字', '🙂', '\n', '-', '$(x)', "'", '%2e%2e', '..'),
  fc.string({ maxLength: 12 }).map((s) => s.replace(/[/\0]/g, '_')),
)

describe('the whole importer on a folder of mutated images', () => {
  const folder = tempFolderSync('importer-fuzz')

  it(`imports every good file and accounts for each of ${2 * MUTATED_PER_CLASS} mutated ones, with 0 crashes`, async () => {
    const stroke = strokeImage(28, 28, false)
    const seeds = await Promise.all([
      grayInput(stroke, 28, 28).png().toBuffer(),
      grayInput(strokeImage(40, 30, true), 40, 30).png({ palette: true }).toBuffer(),
      grayInput(stroke, 28, 28).jpeg().toBuffer(),
      grayInput(stroke, 28, 28).gif().toBuffer(),
      grayInput(stroke, 28, 28).webp().toBuffer(),
      grayInput(stroke, 28, 28).tiff().toBuffer(),
      grayInput(stroke, 28, 28).avif().toBuffer(),
      pngBomb(8000),
    ])
    const extensions = ['png', 'png', 'jpg', 'gif', 'webp', 'tiff', 'avif', 'png']
    const files = fc.sample(
      fc.record({ seed: fc.nat({ max: seeds.length - 1 }), edits: fc.array(edit, { minLength: 1, maxLength: 6 }), name: oddName }),
      { numRuns: 2 * MUTATED_PER_CLASS, seed: 42 },
    )
    const good = await grayInput(strokeImage(28, 28, true), 28, 28).png().toBuffer()
    for (const label of ['3', '7']) {
      mkdirSync(join(folder, label))
      for (let i = 0; i < GOOD_PER_CLASS; i++) writeFileSync(join(folder, label, `good-${i}.png`), good)
    }
    files.forEach(({ seed, edits, name }, i) => {
      writeFileSync(join(folder, i % 2 ? '7' : '3', `m${i}-${name}.${extensions[seed]}`), mutate(seeds[seed], edits))
    })
    const total = 2 * GOOD_PER_CLASS + files.length

    const started = performance.now()
    const result = await importDataset(folder, { validPercent: 20, seed: 1 })
    const seconds = (performance.now() - started) / 1000

    const imported = [...result.sources.train, ...result.sources.valid]
    expect(imported.length + result.skipped.length).toBe(total)
    expect(imported.filter((source) => /good-\d+\.png$/.test(source))).toHaveLength(2 * GOOD_PER_CLASS)
    expect(result.skipped.every((s) => s.reason.length > 0 && !s.reason.includes('\n'))).toBe(true)
    expect(new Set(result.skipped.map((s) => s.file)).size).toBe(result.skipped.length)
    expect(result.dataset.train.pixels.length).toBe(result.dataset.train.count * 784)
    const reasons = new Map<string, number>()
    for (const { reason } of result.skipped) {
      const kind = reason.split(/[:(]/)[0].trim()
      reasons.set(kind, (reasons.get(kind) ?? 0) + 1)
    }
    recordFigures('importer-fuzz', { files: total, mutated: files.length, imported: imported.length, skipped: result.skipped.length, crashes: 0, seconds, reasons: Object.fromEntries(reasons) })
  })
})
