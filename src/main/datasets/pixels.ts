import type { Polarity } from './types'

/** Side of every imported image, as in MNIST. */
export const IMAGE_SIDE = 28

/**
 * Gray levels of an interleaved 8-bit image with 1–4 channels (gray, gray+alpha, RGB, RGBA).
 * NOTE: colour becomes gray by ITU-R 601 luma (299R + 587G + 114B) / 1000, as PIL's `convert('L')`
 * does — what a fastai user's pipeline gives — and a gray pixel keeps its exact value.
 * Alpha is composited onto the background that is *not* the ink: if the opaque pixels are dark
 * (black ink drawn on a transparent canvas), the transparent ones become white, and vice versa;
 * otherwise such an image would come out all black.
 */
export function toGray(data: Uint8Array, pixelCount: number, channels: number): Uint8Array {
  const gray = new Uint8Array(pixelCount)
  if (channels === 1) gray.set(data.subarray(0, pixelCount))
  const colour = channels >= 3
  for (let i = 0; channels > 1 && i < pixelCount; i++) {
    const p = i * channels
    gray[i] = colour ? Math.floor((299 * data[p] + 587 * data[p + 1] + 114 * data[p + 2] + 500) / 1000) : data[p]
  }
  if (channels === 2 || channels === 4) composite(gray, data, channels)
  return gray
}

function composite(gray: Uint8Array, data: Uint8Array, channels: number): void {
  const alphaAt = channels - 1
  let opaque = 0
  let opaqueSum = 0
  let transparent = 0
  for (let i = 0; i < gray.length; i++) {
    const alpha = data[i * channels + alphaAt]
    if (alpha >= 128) {
      opaque++
      opaqueSum += gray[i]
    } else transparent++
  }
  if (transparent === 0) return
  const background = opaque > 0 && opaqueSum / opaque < 128 ? 255 : 0
  for (let i = 0; i < gray.length; i++) {
    const alpha = data[i * channels + alphaAt]
    gray[i] = Math.floor((gray[i] * alpha + background * (255 - alpha) + 127) / 255)
  }
}

/** Visit each pixel of the outermost ring once (corners once, a 1-pixel-thin image once per pixel). */
function forEachBorder(width: number, height: number, visit: (index: number) => void): void {
  for (let x = 0; x < width; x++) {
    visit(x)
    if (height > 1) visit((height - 1) * width + x)
  }
  for (let y = 1; y < height - 1; y++) {
    visit(y * width)
    if (width > 1) visit(y * width + width - 1)
  }
}

/** The (lower) median gray level of the outermost ring of pixels: the background, for a centred digit. */
export function borderLevel(gray: Uint8Array, width: number, height: number): number {
  let count = 0
  let zeros = 0
  forEachBorder(width, height, (i) => {
    count++
    if (gray[i] === 0) zeros++
  })
  if (zeros * 2 >= count) return 0 // NOTE: the common case (every MNIST image), without a histogram
  const histogram = new Uint32Array(256)
  forEachBorder(width, height, (i) => histogram[gray[i]]++)
  let seen = 0
  for (let level = 0; level < 256; level++) {
    seen += histogram[level]
    if (seen * 2 >= count) return level
  }
  return 255
}

/** Whether an image of this background level is turned over to put it in MNIST polarity. */
export function needsInversion(background: number, polarity: Polarity): boolean {
  if (polarity === 'light-ink') return false
  if (polarity === 'dark-ink') return true
  return background > 127
}

/**
 * Put a gray image in MNIST polarity in place: inverted if asked, then the background level read
 * from the border is brought to 0 and the range above it stretched back to 0..255 (a photo of
 * paper is not black). An image whose border is already 0 — every MNIST image — is unchanged.
 */
export function toMnistPolarity(gray: Uint8Array, width: number, height: number, polarity: Polarity): boolean {
  const inverted = needsInversion(borderLevel(gray, width, height), polarity)
  if (inverted) for (let i = 0; i < gray.length; i++) gray[i] = 255 - gray[i]
  const background = borderLevel(gray, width, height)
  if (background > 0 && background < 255) {
    const scale = 255 / (255 - background)
    for (let i = 0; i < gray.length; i++) gray[i] = gray[i] <= background ? 0 : Math.round((gray[i] - background) * scale)
  }
  return inverted
}

/** A `width`×`height` image centred on a `side`×`side` canvas of zeros (the letterbox's bars). */
export function padToSquare(gray: Uint8Array, width: number, height: number, side = IMAGE_SIDE): Uint8Array {
  if (width === side && height === side) return gray
  const out = new Uint8Array(side * side)
  const left = Math.floor((side - width) / 2)
  const top = Math.floor((side - height) / 2)
  for (let y = 0; y < height; y++) out.set(gray.subarray(y * width, (y + 1) * width), (top + y) * side + left)
  return out
}
