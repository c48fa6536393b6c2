import { close, constants, open, read } from 'node:fs'
import { promisify } from 'node:util'
import sharp, { type Sharp } from 'sharp'
import { decodeBmp, isBmp } from './bmp'
import { NOT_AN_IMAGE, sharpFormat } from './formats'
import { ImageError } from './image-error'
import { decodeGrayPng } from './png-fast'
import { IMAGE_SIDE, padToSquare, toGray, toMnistPolarity } from './pixels'
import type { Polarity, ResizeMode, SkippedFile } from './types'
import { errorText } from './walk'
import { errorMessage } from '../../shared/error-message'

/**
 * The most pixels a file may declare. A digit never needs more; sharp's own default (268 M) lets a
 * 700 KB PNG claim 15000² pixels and take seconds and most of a gigabyte to decode. The header is
 * checked before any pixel is allocated, so a bomb is refused in about a millisecond.
 */
export const MAX_INPUT_PIXELS = 4096 * 4096

/** Files larger than this are not read: no digit image is this big. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024

export interface DecodeSettings {
  readonly polarity: Polarity
  readonly resize: ResizeMode
}

/** One image as the model sees it: 28×28 gray, MNIST polarity. */
export interface DecodedImage {
  readonly pixels: Uint8Array
  readonly inverted: boolean
}

export { ImageError }

/** Why a file was skipped, in one line: an image's own problem as said, anything else as a failed decode. */
export function skipReason(error: unknown): string {
  return error instanceof ImageError ? error.message : `could not be decoded: ${(error as Error).message}`
}

/**
 * Whether any of `files` (their full paths and sizes) reads as an image: tried one by one until one does.
 * Null when one does, else every file's reason — for a refusal that says "no readable images" truthfully.
 */
export async function noneReadable(files: readonly { readonly path: Buffer; readonly relative: string; readonly size: number }[]): Promise<SkippedFile[] | null> {
  const reasons: SkippedFile[] = []
  for (const file of files) {
    try {
      await decodeImage(await readImageFile(file.path, file.size), { polarity: 'auto', resize: 'letterbox' })
      return null
    } catch (error) {
      reasons.push({ file: file.relative, reason: skipReason(error) })
    }
  }
  return reasons
}

const FIT = { letterbox: 'inside', stretch: 'fill', crop: 'cover' } as const

/**
 * Decode a PNG, JPEG, WebP, GIF, TIFF or AVIF (told by its first bytes, never its name) with sharp —
 * first frame of an animation, any bit depth, palette, alpha, EXIF orientation — or a BMP, into 28×28
 * MNIST polarity. The whole image goes through one sharp pipeline
 * (resize included); gray conversion, alpha, polarity and the letterbox bars are then a few loops over
 * 784 bytes. A plain 28×28 grayscale PNG (MNIST's own format) takes a checked fast path with the same
 * result; a BMP, which sharp cannot read, is decoded here and resized by sharp as raw pixels.
 */
export async function decodeImage(bytes: Buffer, settings: DecodeSettings): Promise<DecodedImage> {
  if (bytes.length === 0) throw new ImageError('empty file (0 bytes)')
  const simple = decodeGrayPng(bytes, IMAGE_SIDE)
  if (simple) return fromRaw(simple, IMAGE_SIDE, IMAGE_SIDE, 1, settings.polarity)
  if (isBmp(bytes)) {
    const { data, width, height } = decodeBmp(bytes, MAX_INPUT_PIXELS)
    return resized(sharp(data, { raw: { width, height, channels: 4 } }), settings)
  }
  if (!sharpFormat(bytes)) throw new ImageError(NOT_AN_IMAGE)
  try {
    // NOTE: sharp throws synchronously on some inputs (an empty buffer), so it is built inside the try.
    return await resized(sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, pages: 1, autoOrient: true }), settings)
  } catch (error) {
    throw new ImageError(await explainDecodeError(bytes, error))
  }
}

/** An image sharp has open, brought to at most 28×28 by the chosen fit, then to gray MNIST polarity. */
async function resized(image: Sharp, settings: DecodeSettings): Promise<DecodedImage> {
  const { data, info } = await image.resize(IMAGE_SIDE, IMAGE_SIDE, { fit: FIT[settings.resize] }).raw().toBuffer({ resolveWithObject: true })
  return fromRaw(data, info.width, info.height, info.channels, settings.polarity)
}

/** Gray, polarity and letterbox for an interleaved 8-bit image already at most 28×28. */
function fromRaw(data: Uint8Array, width: number, height: number, channels: number, polarity: Polarity): DecodedImage {
  const gray = toGray(data, width * height, channels)
  const inverted = toMnistPolarity(gray, width, height, polarity)
  return { pixels: padToSquare(gray, width, height), inverted }
}

/**
 * A gray image already in memory (a CSV or IDX row) brought to 28×28 and MNIST polarity. A 28×28
 * row never touches sharp (and is done synchronously); another size is resized by sharp like a file.
 */
export function normalizeGray(gray: Uint8Array, width: number, height: number, settings: DecodeSettings): DecodedImage | Promise<DecodedImage> {
  if (width === IMAGE_SIDE && height === IMAGE_SIDE) return fromRaw(gray, width, height, 1, settings.polarity)
  return resized(sharp(gray, { raw: { width, height, channels: 1 } }), settings)
}

async function explainDecodeError(bytes: Buffer, error: unknown): Promise<string> {
  const message = errorText(error)
  if (/pixel limit/i.test(message)) {
    const size = await sharp(bytes, { limitInputPixels: false })
      .metadata()
      .then((m) => `${m.width}×${m.height} pixels`)
      .catch(() => 'its declared size')
    return `image too large: ${size} is over the ${Math.sqrt(MAX_INPUT_PIXELS)}×${Math.sqrt(MAX_INPUT_PIXELS)} limit (refused before decoding)`
  }
  if (/unsupported image format/i.test(message)) return NOT_AN_IMAGE
  return `corrupt or truncated image: ${libvipsDetail(error)}`
}

/** libvips' words for a damaged or cut-short file, and what they mean to a person. */
const PLAIN_DECODE_REASONS: readonly (readonly [RegExp, string])[] = [
  [/premature end|unexpected end|truncat|end of (file|data)|not enough data/i, 'the file ends before the image does (cut short while copying or saving?)'],
  [/extraneous bytes|corrupt .*data|huffman|bogus|invalid|crc|bad (marker|length|code)/i, 'its image data is damaged'],
  [/corrupt header/i, 'its header is damaged'],
  [/libpng read error/i, 'its PNG data is damaged or cut short'],
  [/improper|unexpected|failOn/i, 'its image data is damaged'],
]

/**
 * libvips' complaint as a plain reason in one short line. Its messages span lines, repeat, name internal
 * modules ("VipsJpeg: …") and settings ("Warning treated as error due to failOn setting", "error in tile 0 x 0"):
 * a known complaint is said plainly, anything else with the internals left out.
 */
function libvipsDetail(error: unknown): string {
  const text = errorMessage(error)
  const plain = PLAIN_DECODE_REASONS.find(([pattern]) => pattern.test(text))
  if (plain) return `${plain[1]}; open it in an image editor and save it again to include it`
  const parts = text
    .split(/\n|:\s+|:$/)
    .map((part) => part.trim().replace(/^Input (buffer|file) has /, ''))
    .filter((part) => part !== '' && !/^(vips\w*|\w+load(_buffer)?|webp|gif|png|jpeg|tiff|heif)$/i.test(part))
    .filter((part) => !/failOn|^Warning treated as error|^error in tile/i.test(part))
  return [...new Set(parts)].join('; ').slice(0, 160) || 'unreadable'
}

const openFile = promisify(open)
const readFile = promisify(read)
const closeFile = promisify(close)

/**
 * Read a file of the size the scan saw. Opened non-blocking so a path swapped for a FIFO since the
 * scan cannot hang the import; a file that changed size is reported rather than half-read.
 */
export async function readImageFile(path: Buffer, expectedBytes: number): Promise<Buffer> {
  if (expectedBytes === 0) throw new ImageError('empty file (0 bytes)')
  if (expectedBytes > MAX_FILE_BYTES) throw new ImageError(`file too large for a digit image (${(expectedBytes / 2 ** 20).toFixed(0)} MB)`)
  let fd: number
  try {
    fd = await openFile(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    throw new ImageError(`cannot open: ${errorText(error)}`)
  }
  try {
    const buffer = Buffer.allocUnsafe(expectedBytes + 1)
    const { bytesRead } = await readFile(fd, buffer, 0, expectedBytes + 1, 0)
    if (bytesRead !== expectedBytes) throw new ImageError(`file changed while importing (${bytesRead} bytes, expected ${expectedBytes})`)
    return buffer.subarray(0, bytesRead)
  } catch (error) {
    throw error instanceof ImageError ? error : new ImageError(`cannot read: ${errorText(error)}`)
  } finally {
    await closeFile(fd).catch(() => undefined)
  }
}
