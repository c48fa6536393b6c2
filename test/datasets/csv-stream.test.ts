import { spawn } from 'node:child_process'
import { createWriteStream, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importDataset } from '../../src/main/datasets'
import { csvFields, decimalValue } from '../../src/main/datasets/csv-fields'
import { readPixelCsv } from '../../src/main/datasets/csv'
import { recordFigures } from '../helpers/figures'
import { tempFolderSync } from '../helpers/temp-folder'
import { strokeImage } from './fixtures'

const folder = tempFolderSync('csv-stream')
const HEADER = ['label', ...Array.from({ length: 784 }, (_, i) => `pixel${i}`)]
const light = strokeImage(28, 28, true)

/** Write `rows` Kaggle-style rows (label i % 10, a few nonzero pixels) as a stream, so the test itself never holds the file. */
async function writeBigCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path)
  out.write(`${HEADER.join(',')}\r\n`)
  for (let i = 0; i < rows; i++) {
    const row = [i % 10, ...Array.from({ length: 784 }, (_, p) => (p % 7 === 0 ? (i + p) % 256 : 0))]
    if (!out.write(`${row.join(',')}\r\n`)) await new Promise<void>((drain) => out.once('drain', () => drain()))
  }
  await new Promise<void>((done, fail) => out.end(done).once('error', fail))
}

/** Run the reader in a child whose V8 heap is capped at `heapMb`: it prints what it read, or dies out of memory. */
function readInSmallHeap(path: string, heapMb: number): Promise<{ code: number | null; signal: string | null; out: string }> {
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', 'test/datasets/fixtures/read-csv.ts', path], { stdio: ['ignore', 'pipe', 'ignore'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()))
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal, out })))
}

describe('pixel CSV, read line by line', () => {
  it('reads a CSV larger than the V8 heap it runs in: the file is streamed, never one string', async () => {
    const path = join(folder, 'big.csv')
    const rows = 32_000
    await writeBigCsv(path, rows)
    // 32,000 rows are ~56 MB of text: reading it whole needs that much heap for the string alone (and as much
    // again for its lines), so a 32 MB heap is out of memory at once; the pixels (25 MB) live outside the heap.
    const result = await readInSmallHeap(path, 32)
    expect(result, 'the reader ran out of heap: is the file read as one string again?').toMatchObject({ code: 0 })
    const read = JSON.parse(result.out) as { count: number; side: number; labels: number; skipped: number; sum: number; heapBytes: number }
    let sum = 0
    for (let i = 0; i < rows; i++) for (let p = 0; p < 784; p += 7) sum += (i + p) % 256
    expect(read).toMatchObject({ count: rows, side: 28, labels: rows, skipped: 0, sum })
    recordFigures('csv-stream', { rows, heapCapMb: 32, heapUsedAtEndMb: Math.round(read.heapBytes / 2 ** 20) })
  })

  it('reads a file whose every field is quoted (header and rows alike), and names a quote left open', async () => {
    const path = join(folder, 'quoted.csv')
    const quote = (cells: (string | number)[]): string => cells.map((cell) => `"${cell}"`).join(',')
    const rows = Array.from({ length: 6 }, (_, i) => quote([i % 2 ? 'seven' : 'three, "the digit"'.replace(/"/g, '""'), ...light]))
    writeFileSync(path, `${quote(HEADER)}\n${rows.join('\n')}\n"3","0\n\n\n`)
    const read = await readPixelCsv(path, 'quoted.csv')
    expect(read.count).toBe(6)
    expect(Array.from(read.pixels.subarray(0, 784))).toEqual(Array.from(light))
    expect(read.labels).toEqual(['three, "the digit"', 'seven', 'three, "the digit"', 'seven', 'three, "the digit"', 'seven'])
    // The open quote is named; the blank lines after it, at the end of the file, are nothing.
    expect(read.skipped).toEqual([{ file: 'quoted.csv:8', reason: 'a quote is not closed' }])
    expect((await importDataset(path)).dataset.labelNames).toEqual(['seven', 'three, "the digit"'])
  })

  it('takes pixels in decimal only: 0x10, 0b1, Infinity and empty fields are named, numpy’s 1.0e+02 is read', async () => {
    expect(['12', ' 7 ', '0.5', '.5', '1.000000000000000000e+02', '255.0'].map((field) => decimalValue(field.trim()))).toEqual([12, 7, 0.5, 0.5, 100, 255])
    for (const field of ['0x10', '0b1', '0o7', 'Infinity', '', '1_0', '12a', '--1']) expect(decimalValue(field), field).toBeNaN()
    const path = join(folder, 'hex.csv')
    const row = (cell: string): string => ['3', cell, ...Array.from(light).slice(1)].join(',')
    writeFileSync(path, `${HEADER.join(',')}\n${row('0')}\n${row('0x10')}\n${row('')}\n${row('1e2')}\n`)
    const read = await readPixelCsv(path, 'hex.csv')
    expect(read.count).toBe(2)
    expect(read.pixels[784]).toBe(100)
    expect(read.skipped).toEqual([
      { file: 'hex.csv:3', reason: 'pixel 0 is "0x10", expected a decimal number 0..255' },
      { file: 'hex.csv:4', reason: 'pixel 0 is "", expected a decimal number 0..255' },
    ])
  })

  it('splits fields at commas outside quotes only', () => {
    expect(csvFields('a, "b,c" ,"d""e"')).toEqual(['a', 'b,c', 'd"e'])
    expect(csvFields('"12"3,4')).toEqual(['"12"3', '4'])
    expect(csvFields('"open,1')).toBeNull()
    expect(csvFields('')).toEqual([''])
  })
})
