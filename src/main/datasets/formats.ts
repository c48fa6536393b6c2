/** The formats Digit Lab decodes with sharp; BMP has its own decoder (`bmp.ts`). */
export type SharpFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff' | 'avif'

/** Said of any file whose bytes are none of the formats Digit Lab reads. */
export const NOT_AN_IMAGE = 'not an image Digit Lab can read (PNG, JPEG, WebP, GIF, TIFF, AVIF or BMP)'

const startsWith = (bytes: Uint8Array, at: number, text: string): boolean => {
  if (bytes.length < at + text.length) return false
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false
  return true
}

/** Whether an ISO media file (`ftyp` box) names AVIF as its brand or one it is compatible with. */
function isAvif(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, 4, 'ftyp')) return false
  const boxSize = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0
  const end = Math.min(boxSize, bytes.length, 256)
  for (let at = 8; at + 4 <= end; at += 4) if (startsWith(bytes, at, 'avif') || startsWith(bytes, at, 'avis')) return true
  return false
}

/**
 * The format a file's first bytes say it is, or null: only these reach sharp. NOTE: libvips picks
 * its loader from the bytes, not the name, and also reads SVG (through librsvg), PDF, HEIC, JPEG XL,
 * FITS, Matlab, raw camera files…; an SVG saved as `digit.png` would be decoded. Checking the
 * signature first keeps every other loader out of reach.
 */
export function sharpFormat(bytes: Uint8Array): SharpFormat | null {
  if (startsWith(bytes, 0, '\x89PNG\r\n\x1a\n')) return 'png'
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  if (startsWith(bytes, 0, 'GIF87a') || startsWith(bytes, 0, 'GIF89a')) return 'gif'
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP')) return 'webp'
  if (startsWith(bytes, 0, 'II*\0') || startsWith(bytes, 0, 'MM\0*')) return 'tiff'
  if (isAvif(bytes)) return 'avif'
  return null
}
