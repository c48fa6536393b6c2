/**
 * MNIST's own preprocessing, for a digit that was not made the MNIST way (a drawing, a photo): the
 * ink's bounding box is scaled to fit a 20×20 box keeping its aspect ratio (area-averaged, so the
 * edges come out grey as MNIST's anti-aliasing made them), then placed in the 28×28 field so that its
 * centre of mass sits at the field's centre. Pure TypeScript: the Draw view and the CLI share it.
 */

/** Side of the field every digit is fed in. */
export const FIELD_SIDE = 28
/** Side of the box the ink is scaled into. */
export const INK_BOX = 20
/**
 * Where the centre of mass lands, in pixel-index coordinates (x, y). Measured on MNIST's 60,000
 * training digits: the mean centre of mass is (14.01, 14.00).
 */
export const MASS_CENTRE = 14

export interface CentreOptions {
  /** A pixel counts as ink for the bounding box above this share of the brightest pixel (default 0.1). */
  readonly inkThreshold?: number
}

/** The ink's bounding box (inclusive), or null for an image without ink. */
function inkBox(gray: ArrayLike<number>, width: number, height: number, threshold: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let max = 0
  for (let i = 0; i < width * height; i++) max = Math.max(max, gray[i])
  if (!(max > 0)) return null
  const cut = max * threshold
  let x0 = width
  let y0 = height
  let x1 = -1
  let y1 = -1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x] > cut) {
        x0 = Math.min(x0, x)
        x1 = Math.max(x1, x)
        y0 = Math.min(y0, y)
        y1 = Math.max(y1, y)
      }
    }
  }
  return { x0, y0, x1, y1 }
}

/**
 * Weights of a 1-D area resampling from `from` cells to `to` cells: target cell j covers source
 * [j·f, (j+1)·f) with f = from/to, and takes each source cell in proportion to the overlap.
 */
function areaWeights(from: number, to: number): { source: number; weight: number }[][] {
  const f = from / to
  return Array.from({ length: to }, (_, j) => {
    const start = j * f
    const end = (j + 1) * f
    const cells: { source: number; weight: number }[] = []
    for (let i = Math.floor(start); i < Math.min(from, Math.ceil(end)); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i)
      if (overlap > 0) cells.push({ source: i, weight: overlap / f })
    }
    return cells
  })
}

/** Area-resample a w×h region of `gray` (at x0, y0 with row stride `stride`) to tw×th, rows then columns. */
function resample(gray: ArrayLike<number>, stride: number, x0: number, y0: number, w: number, h: number, tw: number, th: number): Float64Array {
  const across = areaWeights(w, tw)
  const down = areaWeights(h, th)
  const rows = new Float64Array(h * tw)
  for (let y = 0; y < h; y++) {
    for (let tx = 0; tx < tw; tx++) {
      let sum = 0
      for (const { source, weight } of across[tx]) sum += gray[(y0 + y) * stride + x0 + source] * weight
      rows[y * tw + tx] = sum
    }
  }
  const out = new Float64Array(th * tw)
  for (let ty = 0; ty < th; ty++) {
    for (const { source, weight } of down[ty]) {
      for (let tx = 0; tx < tw; tx++) out[ty * tw + tx] += rows[source * tw + tx] * weight
    }
  }
  return out
}

/** Centre of mass (x, y) of a w×h image, in pixel-index coordinates. */
export function centreOfMass(values: ArrayLike<number>, width: number, height: number): { x: number; y: number } {
  let mass = 0
  let mx = 0
  let my = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x]
      mass += v
      mx += v * x
      my += v * y
    }
  }
  return mass > 0 ? { x: mx / mass, y: my / mass } : { x: (width - 1) / 2, y: (height - 1) / 2 }
}

/**
 * A `width`×`height` gray image (ink bright, background 0, values 0..255) → a 28×28 digit prepared
 * as MNIST was: ink box scaled into 20×20 keeping its aspect ratio, centre of mass at the centre.
 * An image with no ink gives an empty field.
 */
export function centreDigit(gray: ArrayLike<number>, width: number, height: number, options: CentreOptions = {}): Uint8Array {
  const field = new Uint8Array(FIELD_SIDE * FIELD_SIDE)
  const box = inkBox(gray, width, height, options.inkThreshold ?? 0.1)
  if (!box) return field
  const w = box.x1 - box.x0 + 1
  const h = box.y1 - box.y0 + 1
  const scale = INK_BOX / Math.max(w, h)
  const tw = Math.max(1, Math.min(INK_BOX, Math.round(w * scale)))
  const th = Math.max(1, Math.min(INK_BOX, Math.round(h * scale)))
  const glyph = resample(gray, width, box.x0, box.y0, w, h, tw, th)
  const centre = centreOfMass(glyph, tw, th)
  const left = Math.round(MASS_CENTRE - centre.x)
  const top = Math.round(MASS_CENTRE - centre.y)
  for (let y = 0; y < th; y++) {
    const fy = top + y
    if (fy < 0 || fy >= FIELD_SIDE) continue
    for (let x = 0; x < tw; x++) {
      const fx = left + x
      if (fx >= 0 && fx < FIELD_SIDE) field[fy * FIELD_SIDE + fx] = Math.min(255, Math.max(0, Math.round(glyph[y * tw + x])))
    }
  }
  return field
}
