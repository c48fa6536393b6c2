import { crc32, inflateSync } from 'node:zlib'

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** Chunks that change no pixel sharp returns; any other (gamma, ICC, palette, transparency, EXIF…) sends the file to sharp. */
const HARMLESS = new Set(['tEXt', 'zTXt', 'iTXt', 'tIME', 'pHYs'])

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Undo PNG's per-row filters for 1 byte per pixel; null on an unknown filter type. */
function unfilter(raw: Uint8Array, width: number, height: number): Uint8Array | null {
  const out = new Uint8Array(width * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)]
    const row = y * (width + 1) + 1
    const at = y * width
    for (let x = 0; x < width; x++) {
      const left = x > 0 ? out[at + x - 1] : 0
      const up = y > 0 ? out[at - width + x] : 0
      const upLeft = x > 0 && y > 0 ? out[at - width + x - 1] : 0
      const value = raw[row + x]
      if (filter === 0) out[at + x] = value
      else if (filter === 1) out[at + x] = value + left
      else if (filter === 2) out[at + x] = value + up
      else if (filter === 3) out[at + x] = value + ((left + up) >> 1)
      else if (filter === 4) out[at + x] = value + paeth(left, up, upLeft)
      else return null
    }
  }
  return out
}

/**
 * The fast path for the commonest digit file there is — an MNIST-style PNG: exactly `side`×`side`,
 * 8-bit grayscale, not interlaced, no gamma/ICC/palette/transparency chunk. Every chunk's CRC is
 * checked and the data must inflate to exactly the expected size; anything else returns null and
 * the file goes to sharp, which decodes it or says what is wrong. Going through sharp costs about
 * half a millisecond of libvips set-up per file — most of a 70,000-file import on two cores.
 * Tests check this path gives sharp's pixels, byte for byte.
 */
export function decodeGrayPng(bytes: Uint8Array, side: number): Uint8Array | null {
  if (bytes.length < 8 + 12 + 13 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const idat: Uint8Array[] = []
  let offset = 8
  let first = true
  let idatEnded = false
  for (;;) {
    if (offset + 12 > bytes.length) return null
    const length = view.getUint32(offset)
    if (length > bytes.length - offset - 12) return null
    const type = String.fromCharCode(bytes[offset + 4], bytes[offset + 5], bytes[offset + 6], bytes[offset + 7])
    const data = bytes.subarray(offset + 8, offset + 8 + length)
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(offset + 8 + length)) return null
    offset += 12 + length
    if (first) {
      if (type !== 'IHDR' || length !== 13 || view.getUint32(16) !== side || view.getUint32(20) !== side) return null
      if (data[8] !== 8 || data[9] !== 0 || data[10] !== 0 || data[11] !== 0 || data[12] !== 0) return null
      first = false
    } else if (type === 'IDAT') {
      if (idatEnded) return null
      idat.push(data)
    } else if (type === 'IEND') break
    else if (!HARMLESS.has(type)) return null
    else idatEnded = idat.length > 0
  }
  let raw: Uint8Array
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: side * (side + 1) + 1 })
  } catch {
    return null
  }
  return raw.length === side * (side + 1) ? unfilter(raw, side, side) : null
}
