import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { csvFields, decimalValue } from './csv-fields'
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

const isNumber = (field: string): boolean => !Number.isNaN(decimalValue(field))

/** The fields of a line, or a DatasetError naming it when its quotes do not close. */
function fieldsOf(line: string, where: string): string[] {
  const fields = csvFields(line)
  if (!fields) throw new DatasetError(`${where}: a quote is not closed`)
  return fields
}

/**
 * Read the shape of a pixel CSV from its first line: a header or not, which column is the label,
 * and the square image the other columns make. Kaggle's digit-recognizer: `label,pixel0..pixel783`.
 */
function shapeOf(first: string, file: string): Shape {
  const cells = fieldsOf(first, `${file}:1`)
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
function scaleOf(cells: readonly string[], shape: Shape): number {
  const values = cells.filter((_, i) => i !== shape.labelColumn)
  return values.some((v) => v.includes('.')) && values.map(decimalValue).every((v) => v >= 0 && v <= 1) ? 255 : 1
}

/** Parse one data row into `into`; returns its label ('' if the file has none), or a problem. */
function parseRow(cells: readonly string[] | null, shape: Shape, scale: number, into: Uint8Array, offset: number): { label: string } | { problem: string } {
  if (!cells) return { problem: 'a quote is not closed' }
  if (cells.length !== shape.columns) return { problem: `${cells.length} values, expected ${shape.columns}` }
  let p = offset
  for (let c = 0; c < cells.length; c++) {
    if (c === shape.labelColumn) continue
    const value = decimalValue(cells[c]) * scale
    if (!(value >= 0 && value <= 255)) return { problem: `pixel ${p - offset} is "${cells[c].slice(0, 12)}", expected a decimal number 0..255` }
    into[p++] = Math.round(value)
  }
  const label = shape.labelColumn >= 0 ? cells[shape.labelColumn] : ''
  if (shape.labelColumn >= 0 && label === '') return { problem: 'empty label' }
  return { label }
}

/** The lines of a file, read as a stream (a string over ~512 MB cannot exist in V8), with their 1-based numbers. */
async function* linesOf(path: string | Buffer): AsyncGenerator<[string, number]> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY })
  let number = 0
  for await (const line of lines) yield [line, ++number]
}

/**
 * Read a pixel CSV, line by line: memory holds the pixels (one byte each) and one line at a time, never
 * the file. Rows that do not parse are skipped and named (`train.csv:17: 783 values, expected 785`);
 * blank lines at the end are ignored; a file that is not a pixel table at all is refused with what was expected.
 */
export async function readPixelCsv(path: string | Buffer, file: string): Promise<CsvPixels> {
  const size = (await stat(path)).size
  if (size > MAX_CSV_BYTES) throw new DatasetError(`${file} is ${(size / 2 ** 30).toFixed(1)} GB: CSV files over 1 GB are not read`)
  let shape: Shape | null = null
  let scale = 1
  let pixels = new Uint8Array(0)
  let lineOf = new Int32Array(0)
  let labels: string[] | null = null
  let count = 0
  let imageSize = 0
  const skipped: SkippedFile[] = []
  // Blank lines are named only once a row follows them: at the end of a file they are nothing.
  const blanks: number[] = []
  for await (const [line, number] of linesOf(path)) {
    if (line.trim() === '') {
      blanks.push(number)
      continue
    }
    if (!shape) {
      shape = shapeOf(line, file)
      imageSize = shape.side * shape.side
      // A row takes at least two bytes a column ("0,"), which bounds the rows the file can hold; pages never written stay unused.
      const capacity = Math.floor(size / (2 * shape.columns)) + 1
      pixels = new Uint8Array(capacity * imageSize)
      lineOf = new Int32Array(capacity)
      labels = shape.labelColumn >= 0 ? [] : null
      if (shape.header) continue
    }
    for (const blank of blanks.splice(0)) skipped.push({ file: `${file}:${blank}`, reason: `1 values, expected ${shape.columns}` })
    const cells = csvFields(line)
    if (count === 0 && cells && cells.length === shape.columns) scale = scaleOf(cells, shape)
    const row = parseRow(cells, shape, scale, pixels, count * imageSize)
    if ('problem' in row) {
      skipped.push({ file: `${file}:${number}`, reason: row.problem })
      continue
    }
    labels?.push(row.label)
    lineOf[count++] = number
  }
  if (!shape) throw new DatasetError(`${file} is empty: expected a header like label,pixel0..pixel783 and one row per image`)
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
