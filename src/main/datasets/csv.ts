import { readFile, stat } from 'node:fs/promises'
import { DatasetError, type SkippedFile } from './types'

/** Larger CSV files are refused before reading (all of MNIST as CSV is about 130 MB). */
export const MAX_CSV_BYTES = 1024 * 1024 * 1024

const LABEL_COLUMNS = ['label', 'labels', 'class', 'digit', 'target', 'y']

/** The images of a pixel CSV: one row per image, `width`×`height` gray values, a label each if it has them. */
export interface CsvPixels {
  readonly width: number
  readonly height: number
  readonly count: number
  readonly pixels: Uint8Array
  /** `null` for a file with no label column (Kaggle's test.csv): unlabeled images. */
  readonly labels: string[] | null
  /** The line each image came from (1-based, counting the header), to name a row to people. */
  readonly lines: Int32Array
  readonly skipped: SkippedFile[]
}

interface Shape {
  readonly header: boolean
  readonly labelColumn: number
  readonly columns: number
  readonly side: number
}

const unquote = (field: string): string => field.trim().replace(/^"(.*)"$/, '$1')

function fields(line: string): string[] {
  return line.split(',').map(unquote)
}

const isNumber = (field: string): boolean => field !== '' && Number.isFinite(Number(field))

/**
 * Read the shape of a pixel CSV from its first line: a header or not, which column is the label,
 * and the square image the other columns make. Kaggle's digit-recognizer: `label,pixel0..pixel783`.
 */
function shapeOf(first: string, file: string): Shape {
  const cells = fields(first)
  const header = !cells.every(isNumber)
  const named = header ? cells.findIndex((c) => LABEL_COLUMNS.includes(c.toLowerCase())) : -1
  const squareSide = (n: number): number => (Number.isInteger(Math.sqrt(n)) ? Math.sqrt(n) : 0)
  let labelColumn = named
  if (!header) labelColumn = squareSide(cells.length) > 0 ? -1 : squareSide(cells.length - 1) > 0 ? 0 : -2
  const side = squareSide(cells.length - (labelColumn >= 0 ? 1 : 0))
  if (labelColumn === -2 || side < 2) {
    throw new DatasetError(
      `${file} is not a pixel table: its ${cells.length} columns are not a label and a square image ` +
        `(expected e.g. label,pixel0..pixel783 — one 28×28 image per row)`,
    )
  }
  return { header, labelColumn, columns: cells.length, side }
}

/** Values are 0..255, or 0..1 floats (scaled by 255), decided from the first data row. */
function scaleOf(line: string, shape: Shape): number {
  const values = fields(line).filter((_, i) => i !== shape.labelColumn).map(Number)
  return line.includes('.') && values.every((v) => v >= 0 && v <= 1) ? 255 : 1
}

/** Parse one data row into `into`; returns its label ('' if the file has none), or a problem. */
function parseRow(line: string, shape: Shape, scale: number, into: Uint8Array, offset: number): { label: string } | { problem: string } {
  const cells = line.split(',')
  if (cells.length !== shape.columns) return { problem: `${cells.length} values, expected ${shape.columns}` }
  let p = offset
  for (let c = 0; c < cells.length; c++) {
    if (c === shape.labelColumn) continue
    const value = Number(cells[c]) * scale
    if (!(value >= 0 && value <= 255) || (value === 0 && cells[c].trim() === '')) {
      return { problem: `pixel ${p - offset} is "${cells[c].trim().slice(0, 12)}", expected 0..255` }
    }
    into[p++] = Math.round(value)
  }
  const label = shape.labelColumn >= 0 ? unquote(cells[shape.labelColumn]) : ''
  if (shape.labelColumn >= 0 && label === '') return { problem: 'empty label' }
  return { label }
}

/**
 * Read a pixel CSV. Rows that do not parse are skipped and named (`train.csv:17: 783 values,
 * expected 785`); a file that is not a pixel table at all is refused with what was expected.
 */
export async function readPixelCsv(path: string | Buffer, file: string): Promise<CsvPixels> {
  const size = (await stat(path)).size
  if (size > MAX_CSV_BYTES) throw new DatasetError(`${file} is ${(size / 2 ** 30).toFixed(1)} GB: CSV files over 1 GB are not read`)
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/)
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop()
  if (lines.length === 0) throw new DatasetError(`${file} is empty: expected a header like label,pixel0..pixel783 and one row per image`)
  const shape = shapeOf(lines[0], file)
  const first = shape.header ? 1 : 0
  const capacity = lines.length - first
  const imageSize = shape.side * shape.side
  const pixels = new Uint8Array(capacity * imageSize)
  const labels: string[] | null = shape.labelColumn >= 0 ? [] : null
  const lineOf = new Int32Array(capacity)
  const skipped: SkippedFile[] = []
  const scale = capacity > 0 ? scaleOf(lines[first], shape) : 1
  let count = 0
  for (let l = first; l < lines.length; l++) {
    const row = parseRow(lines[l], shape, scale, pixels, count * imageSize)
    if ('problem' in row) {
      skipped.push({ file: `${file}:${l + 1}`, reason: row.problem })
      continue
    }
    if (labels) labels.push(row.label)
    lineOf[count++] = l + 1
  }
  return {
    width: shape.side,
    height: shape.side,
    count,
    pixels: pixels.subarray(0, count * imageSize),
    labels,
    lines: lineOf.subarray(0, count),
    skipped,
  }
}
