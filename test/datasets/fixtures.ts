import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import sharp, { type Sharp } from 'sharp'

/**
 * A stand-in digit: a thick vertical stroke in the middle of a `width`×`height` image, with
 * graded ink (so exact tests see more than two levels). Light ink on black, or dark on white.
 */
export function strokeImage(width: number, height: number, lightInk: boolean): Uint8Array {
  const pixels = new Uint8Array(width * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inStroke = x >= width * 0.35 && x < width * 0.65 && y >= height * 0.2 && y < height * 0.8
      const ink = inStroke ? 255 - ((x * 7 + y * 3) % 40) : 0
      pixels[y * width + x] = lightInk ? ink : 255 - ink
    }
  }
  return pixels
}

/** A gray image as raw sharp input. */
export function grayInput(pixels: Uint8Array, width: number, height: number): Sharp {
  return sharp(pixels, { raw: { width, height, channels: 1 } })
}

/** An 8-bit gray image with an alpha channel: ink opaque in `inkLevel`, the rest fully transparent. */
export function inkOnTransparent(width: number, height: number, inkLevel: number): Sharp {
  const stroke = strokeImage(width, height, true)
  const rgba = Buffer.alloc(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    rgba.fill(inkLevel, i * 4, i * 4 + 3)
    rgba[i * 4 + 3] = stroke[i]
  }
  return sharp(rgba, { raw: { width, height, channels: 4 } })
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/**
 * An 8-bit grayscale PNG written by hand with the given filter type on every row (0 none, 1 sub,
 * 2 up, 3 average, 4 Paeth), to exercise every filter a decoder must undo.
 */
export function grayPngWithFilter(pixels: Uint8Array, width: number, height: number, filter: number): Buffer {
  const raw = Buffer.alloc(height * (width + 1))
  const at = (x: number, y: number): number => (x < 0 || y < 0 ? 0 : pixels[y * width + x])
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = filter
    for (let x = 0; x < width; x++) {
      const a = at(x - 1, y)
      const b = at(x, y - 1)
      const c = at(x - 1, y - 1)
      const p = a + b - c
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]
      raw[y * (width + 1) + 1 + x] = (pixels[y * width + x] - predictor) & 0xff
    }
  }
  return grayPngFromRows(raw, width, height)
}

/** A well-formed 8-bit gray PNG (valid CRCs) around the given filtered rows, whatever they hold. */
export function grayPngFromRows(rows: Uint8Array, width: number, height: number): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}

/** A 4 KB PNG whose header declares `side`×`side` gray pixels: a decompression bomb. */
export function pngBomb(side = 20000): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(side, 0)
  header.writeUInt32BE(side, 4)
  header[8] = 8
  const rows = deflateSync(Buffer.alloc((side + 1) * 200))
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))])
}

/** A folder of files given as bytes (or builders); folders are made as needed. */
export async function writeFiles(root: string, files: Record<string, Uint8Array | string | Promise<Uint8Array>>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, await content)
  }
}

/** The kinds of file-system oddity a folder from the wild can hold, made in `folder`. */
export function makeOddities(folder: string): void {
  mkdirSync(folder, { recursive: true })
  execFileSync('mkfifo', [join(folder, 'fifo.png')])
  symlinkSync(join(folder, 'no-such-file.png'), join(folder, 'dangling.png'))
  symlinkSync(join(folder, 'loop-b.png'), join(folder, 'loop-a.png'))
  symlinkSync(join(folder, 'loop-a.png'), join(folder, 'loop-b.png'))
  symlinkSync('..', join(folder, 'up'))
  mkdirSync(join(folder, 'folder.png'))
}
