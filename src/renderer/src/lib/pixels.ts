/** Side of every digit image the app shows. */
export const SIDE = 28

/** The bytes of a base64 string (the api sends 28×28 images this way). */
export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Two colours a gray value runs between: `paper` at 0 (no ink), `ink` at 255. */
export interface InkPalette {
  readonly paper: readonly [number, number, number]
  readonly ink: readonly [number, number, number]
}

/** A lookup of the 256 RGBA colours a palette gives, so painting is one copy per pixel. */
function colourTable(palette: InkPalette): Uint32Array {
  const table = new Uint32Array(256)
  const bytes = new Uint8Array(table.buffer)
  for (let v = 0; v < 256; v++) {
    const t = v / 255
    for (let c = 0; c < 3; c++) bytes[v * 4 + c] = Math.round(palette.paper[c] + (palette.ink[c] - palette.paper[c]) * t)
    bytes[v * 4 + 3] = 255
  }
  return table
}

const tables = new WeakMap<InkPalette, Uint32Array>()

function tableOf(palette: InkPalette): Uint32Array {
  let table = tables.get(palette)
  if (!table) tables.set(palette, (table = colourTable(palette)))
  return table
}

/** Paint gray pixels (one byte each, row-major) onto a canvas of the same size, coloured by `palette`. */
export function paintGray(canvas: HTMLCanvasElement, pixels: Uint8Array, width: number, height: number, palette: InkPalette): void {
  const table = tableOf(palette)
  const context = canvas.getContext('2d')
  if (!context) return
  const image = context.createImageData(width, height)
  const out = new Uint32Array(image.data.buffer)
  for (let i = 0; i < width * height; i++) out[i] = table[pixels[i]]
  context.putImageData(image, 0, 0)
}

/**
 * An attachment that paints a 28×28 image on its canvas, again whenever the pixels or the palette
 * change (the canvas is 28×28; CSS scales it up, pixelated).
 */
export function paintDigit(pixels: Uint8Array, palette: InkPalette) {
  return (canvas: HTMLCanvasElement): void => {
    canvas.width = SIDE
    canvas.height = SIDE
    paintGray(canvas, pixels, SIDE, SIDE, palette)
  }
}

/**
 * Paint a row of 28×28 images side by side on one canvas, `gap` transparent pixels after each; an
 * image not here yet (undefined) is a faint placeholder. One canvas and one putImageData per row
 * keeps a grid of thousands of thumbnails cheap to scroll.
 */
export function paintStrip(canvas: HTMLCanvasElement, images: readonly (Uint8Array | undefined)[], gap: number, palette: InkPalette): void {
  const table = tableOf(palette)
  const cell = SIDE + gap
  const width = Math.max(1, images.length * cell)
  canvas.width = width
  canvas.height = SIDE
  const context = canvas.getContext('2d')
  if (!context) return
  const strip = context.createImageData(width, SIDE)
  const out = new Uint32Array(strip.data.buffer)
  const placeholder = table[16]
  images.forEach((pixels, column) => {
    for (let y = 0; y < SIDE; y++) {
      const at = y * width + column * cell
      for (let x = 0; x < SIDE; x++) out[at + x] = pixels ? table[pixels[y * SIDE + x]] : placeholder
    }
  })
  context.putImageData(strip, 0, 0)
}

/** Bytes as base64 (how the api takes a 28×28 drawing). */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i])
  return btoa(binary)
}
