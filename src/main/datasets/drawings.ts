import { stat } from 'node:fs/promises'
import sharp from 'sharp'
import { centreDigit } from '../../shared/centre-digit'
import { isImageName } from '../../shared/dataset-files'
import { MAX_INPUT_PIXELS, readImageFile, skipReason } from './decode'
import { ImageError } from './image-error'
import { toGray, toMnistPolarity } from './pixels'
import type { SkippedFile } from './types'
import { errorText, isSystemFolder, listFolder, systemFileReason } from './walk'
import { digitOf } from '../engine/pretrained/transfer'

/** Drawings read from a folder of digit subfolders: 28×28 each, prepared as the Draw view prepares what it classifies. */
export interface Drawings {
  /** `count` images of 28×28, one after another. */
  readonly pixels: Uint8Array
  /** The digit (0–9) each drawing is of. */
  readonly digits: Int32Array
  readonly count: number
  /** Drawings per digit, 0–9. */
  readonly perDigit: readonly number[]
  /** Files left out, each with why. */
  readonly skipped: readonly SkippedFile[]
}

/**
 * A drawing file as the Draw view classifies a drawing: decoded at its own size, gray in MNIST polarity (ink bright),
 * then its ink box scaled into 20×20 and centred by its centre of mass in 28×28 (`centreDigit`). Importing as a
 * dataset letterboxes instead; a model taught one's handwriting must see it as Draw will show it.
 */
export async function readDrawing(bytes: Buffer): Promise<Uint8Array> {
  if (bytes.length === 0) throw new ImageError('empty file (0 bytes)')
  let raw
  try {
    raw = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, pages: 1, autoOrient: true }).raw().toBuffer({ resolveWithObject: true })
  } catch (error) {
    throw new ImageError(`not a readable image: ${errorText(error).split('\n')[0]}`)
  }
  const { width, height, channels } = raw.info
  const gray = toGray(raw.data, width * height, channels)
  toMnistPolarity(gray, width, height, 'auto')
  return centreDigit(gray, width, height)
}

const NOT_DIGITS = 'its subfolders must be named by the digit drawn in them, 0 to 9'

/**
 * Every drawing of a collected folder: one subfolder per digit (`0`…`9`, any subset). Refuses, saying what to do, a
 * folder that is missing, holds no drawings, or has a subfolder that is not a digit; a file that is not a readable
 * image is left out and named with its reason.
 */
export async function readDrawings(folder: string): Promise<Drawings> {
  const info = await stat(folder).catch((error: unknown) => {
    throw new Error(`cannot open ${folder} (${errorText(error)}): collect drawings in Draw first, or give a folder of digit subfolders`)
  })
  if (!info.isDirectory()) throw new Error(`${folder} is not a folder: give a folder with one subfolder per digit (0 to 9)`)
  const skipped: SkippedFile[] = []
  const found: { path: Buffer; file: string; size: number; digit: number }[] = []
  for (const entry of await listFolder(Buffer.from(folder), '')) {
    if (entry.kind === 'file') {
      if (!systemFileReason(entry.name)) skipped.push({ file: entry.relative, reason: `not in a digit's subfolder (${NOT_DIGITS})` })
      continue
    }
    if (entry.kind !== 'folder' || isSystemFolder(entry.name) || entry.name.startsWith('.')) continue
    const digit = digitOf(entry.name)
    if (digit === null) throw new Error(`${folder} has a subfolder “${entry.name}”: ${NOT_DIGITS}. Move or rename it, then try again`)
    for (const file of await listFolder(entry.path, entry.relative)) {
      if (file.kind === 'file' && isImageName(file.name)) found.push({ path: file.path, file: file.relative, size: file.size, digit })
      else if (file.kind === 'file' && !systemFileReason(file.name)) skipped.push({ file: file.relative, reason: 'not an image file' })
    }
  }
  const read: { pixels: Uint8Array; digit: number }[] = []
  for (const item of found) {
    try {
      read.push({ pixels: await readDrawing(await readImageFile(item.path, item.size)), digit: item.digit })
    } catch (error) {
      skipped.push({ file: item.file, reason: skipReason(error) })
    }
  }
  if (read.length === 0) {
    const why = skipped.length > 0 ? `; left out: ${skipped.map((s) => `${s.file} (${s.reason})`).join(', ')}` : ''
    throw new Error(`${folder} holds no drawings to learn from${why}: collect some in Draw (Collect), then try again`)
  }
  const pixels = new Uint8Array(read.length * 784)
  const digits = new Int32Array(read.length)
  const perDigit = new Array<number>(10).fill(0)
  read.forEach((drawing, i) => {
    pixels.set(drawing.pixels, i * 784)
    digits[i] = drawing.digit
    perDigit[drawing.digit]++
  })
  return { pixels, digits, count: read.length, perDigit, skipped }
}
