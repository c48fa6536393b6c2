import { ImageError } from './image-error'

/** An image decoded to interleaved 8-bit RGBA, top row first. */
export interface RgbaImage {
  readonly data: Uint8Array
  readonly width: number
  readonly height: number
}

/** Does the file start with a BMP signature ("BM")? */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d
}

const BI_RGB = 0
const BI_RLE8 = 1
const BI_RLE4 = 2
const BI_BITFIELDS = 3
const BI_ALPHABITFIELDS = 6

/** One colour channel packed in a 16- or 32-bit pixel: where it sits and how to widen it to 8 bits. */
interface Channel {
  readonly shift: number
  readonly max: number
}

function channelOf(mask: number): Channel | null {
  if (mask === 0) return null
  let shift = 0
  while (((mask >>> shift) & 1) === 0) shift++
  return { shift, max: mask >>> shift }
}

const widen = (pixel: number, channel: Channel | null, absent: number): number =>
  channel === null ? absent : Math.round((((pixel >>> channel.shift) & channel.max) * 255) / channel.max)

/**
 * Decode a BMP file — what Windows Paint and many scanners save, and which sharp cannot read: the
 * OS/2 and Windows headers (12 to 124 bytes), 1/4/8-bit palettes, 16/24/32-bit pixels, bit-field
 * masks, bottom-up and top-down rows. The declared size is checked against `maxPixels` and the
 * file's length before any pixel is allocated. RLE-compressed files (rare) are refused by name.
 */
export function decodeBmp(bytes: Uint8Array, maxPixels: number): RgbaImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const need = (end: number, what: string): void => {
    if (end > bytes.length) throw new ImageError(`corrupt or truncated BMP: the file ends inside its ${what}`)
  }
  need(26, 'header')
  const pixelOffset = view.getUint32(10, true)
  const headerSize = view.getUint32(14, true)
  const core = headerSize === 12
  if (!core && headerSize < 40) throw new ImageError(`corrupt BMP: unknown header size ${headerSize}`)
  need(14 + headerSize, 'header')
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true)
  const signedHeight = core ? view.getUint16(20, true) : view.getInt32(22, true)
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true)
  const compression = core ? BI_RGB : view.getUint32(30, true)
  const height = Math.abs(signedHeight)
  const topDown = signedHeight < 0
  if (width <= 0 || height <= 0) throw new ImageError(`corrupt BMP: it declares ${width}×${signedHeight} pixels`)
  if (width * height > maxPixels) {
    const side = Math.sqrt(maxPixels)
    throw new ImageError(`image too large: ${width}×${height} pixels is over the ${side}×${side} limit (refused before decoding)`)
  }
  if (compression === BI_RLE8 || compression === BI_RLE4) throw new ImageError('run-length compressed BMP: this importer reads uncompressed BMP only; save it as PNG')
  const bitFields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS
  if (!(compression === BI_RGB || (bitFields && (bitsPerPixel === 16 || bitsPerPixel === 32)))) {
    throw new ImageError(`unsupported BMP: compression ${compression} at ${bitsPerPixel} bits per pixel; save it as PNG`)
  }
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) throw new ImageError(`corrupt BMP: ${bitsPerPixel} bits per pixel`)

  // Masks sit inside a V2+ header, or right after a 40-byte one.
  const masksAt = 14 + 40
  const maskCount = compression === BI_ALPHABITFIELDS || headerSize >= 56 ? 4 : 3
  const masks = bitFields ? Array.from({ length: maskCount }, (_, i) => {
    need(masksAt + 4 * (i + 1), 'colour masks')
    return view.getUint32(masksAt + 4 * i, true)
  }) : null
  const paletteAt = 14 + headerSize + (bitFields && headerSize === 40 ? 4 * maskCount : 0)

  let palette: Uint8Array | null = null
  if (bitsPerPixel <= 8) {
    const entryBytes = core ? 3 : 4
    const declared = core ? 0 : view.getUint32(46, true)
    const entries = declared > 0 && declared <= 1 << bitsPerPixel ? declared : 1 << bitsPerPixel
    need(paletteAt + entries * entryBytes, 'palette')
    palette = new Uint8Array(256 * 3)
    for (let i = 0; i < entries; i++) {
      const at = paletteAt + i * entryBytes
      palette.set([bytes[at + 2], bytes[at + 1], bytes[at]], i * 3)
    }
  }

  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4
  need(pixelOffset + rowBytes * (height - 1) + Math.ceil((width * bitsPerPixel) / 8), 'pixels')
  const [red, green, blue, alpha] = masks
    ? masks.map(channelOf)
    : bitsPerPixel === 16 ? [channelOf(0x7c00), channelOf(0x03e0), channelOf(0x001f), null] : [null, null, null, null]
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * 4
      data[out + 3] = 255
      if (palette) {
        const bit = x * bitsPerPixel
        const index = (bytes[row + (bit >> 3)] >> (8 - bitsPerPixel - (bit & 7))) & ((1 << bitsPerPixel) - 1)
        data.set(palette.subarray(index * 3, index * 3 + 3), out)
      } else if (bitsPerPixel === 24 || (bitsPerPixel === 32 && !masks)) {
        // NOTE: plain 32-bit BMPs leave the fourth byte undefined (often 0), so it is not read as alpha.
        const at = row + x * (bitsPerPixel / 8)
        data[out] = bytes[at + 2]
        data[out + 1] = bytes[at + 1]
        data[out + 2] = bytes[at]
      } else {
        const pixel = bitsPerPixel === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true)
        data[out] = widen(pixel, red, 0)
        data[out + 1] = widen(pixel, green, 0)
        data[out + 2] = widen(pixel, blue, 0)
        data[out + 3] = widen(pixel, alpha, 255)
      }
    }
  }
  return { data, width, height }
}
