import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importDataset } from '../../src/main/datasets'
import { applyCorrections } from '../../src/main/datasets/corrections'
import { tempFolderSync } from '../helpers/temp-folder'
import { grayInput, strokeImage, writeFiles } from './fixtures'

const folder = tempFolderSync('unicode-labels')
const NFC = '\u00e9'
const NFD = 'e\u0301'

describe('label names written two ways in Unicode', () => {
  it('folders "é" precomposed and "é" decomposed are one class, and the import says they merged', async () => {
    const png = await grayInput(strokeImage(28, 28, true), 28, 28).png().toBuffer()
    const root = join(folder, 'letters')
    await writeFiles(root, { [`${NFC}/a.png`]: png, [`${NFC}/b.png`]: png, [`${NFD}/c.png`]: png, '7/d.png': png, '7/e.png': png })
    const result = await importDataset(root)
    expect(NFC).not.toBe(NFD)
    expect(result.dataset.labelNames).toEqual(['7', NFC])
    expect(result.counts.train[1] + result.counts.valid[1]).toBe(3)
    expect(result.notes).toContain(`labels "${NFC}" (U+00E9) and "${NFD}" (U+0065 U+0301) are the same name written 2 ways in Unicode: merged into one class "${NFC}"`)
  })

  it('CSV labels too', async () => {
    const path = join(folder, 'letters.csv')
    const row = (label: string): string => [label, ...strokeImage(28, 28, true)].join(',')
    writeFileSync(path, `label,${Array.from({ length: 784 }, (_, i) => `p${i}`).join(',')}\n${[NFD, NFC, '7', '7'].map(row).join('\n')}\n`)
    const result = await importDataset(path)
    expect(result.dataset.labelNames).toEqual(['7', NFC])
    expect(result.notes.some((note) => note.includes('merged into one class'))).toBe(true)
  })

  it('a correction naming the class in the decomposed spelling still finds it', () => {
    const labels = Int32Array.from([0, 0])
    const applied = applyCorrections([{ file: '7/d.png', action: 'relabel', label: NFD }], ['7/d.png', '7/e.png'], Uint8Array.from([1, 1]), labels, ['7', NFC])
    expect(applied).toMatchObject({ relabelled: 1, unmatched: [] })
    expect(Array.from(labels)).toEqual([1, 0])
  })
})
