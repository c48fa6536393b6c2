import sharp, { type OverlayOptions } from 'sharp'
import { writeFileAtomic } from '../storage/atomic-write'
import type { DatasetSummary } from './summary'

const SCALE = 2
const GAP = 4
const LABEL_WIDTH = 64
const BACKGROUND = { r: 32, g: 32, b: 40 }

/** A gray image scaled up by `scale` (nearest neighbour, so pixels stay visible) as RGB bytes. */
function tile(gray: ArrayLike<number>, width: number, height: number, scale: number): Buffer {
  const out = Buffer.alloc(width * scale * height * scale * 3)
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const value = gray[Math.floor(y / scale) * width + Math.floor(x / scale)]
      out.fill(value, (y * width * scale + x) * 3, (y * width * scale + x) * 3 + 3)
    }
  }
  return out
}

/** A mean image brightened so its brightest pixel is white (a class mean is dim and blurry). */
function visibleMean(mean: Float32Array): Uint8Array {
  const max = mean.reduce((a, b) => Math.max(a, b), 0)
  return Uint8Array.from(mean, (v) => (max > 0 ? Math.round((v * 255) / max) : 0))
}

async function labelText(text: string, height: number): Promise<OverlayOptions | null> {
  const safe = text.length > 8 ? `${text.slice(0, 7)}…` : text
  try {
    const escaped = safe.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    const image = await sharp({ text: { text: `<span foreground="white">${escaped}</span>`, rgba: true, dpi: 180 } }).png().toBuffer()
    return { input: image, top: height, left: GAP }
  } catch {
    return null // no font available: the row order still matches the class list printed beside it
  }
}

/**
 * A PNG with one row per class: its label, its mean image (brightened), then samples — what the
 * model will see, at `SCALE`× so each pixel shows.
 */
export async function contactSheetPng(summary: DatasetSummary): Promise<Buffer> {
  const { width, height } = summary
  const tileW = width * SCALE
  const tileH = height * SCALE
  const samples = Math.max(1, ...summary.classes.map((c) => c.samples.length))
  const sheetW = LABEL_WIDTH + (tileW + GAP) * (samples + 1) + GAP * 3
  const sheetH = GAP + summary.classes.length * (tileH + GAP)
  const raw = { width: tileW, height: tileH, channels: 3 } as const
  const overlays: OverlayOptions[] = []
  for (const [row, cls] of summary.classes.entries()) {
    const top = GAP + row * (tileH + GAP)
    const label = await labelText(cls.label, top + Math.round(tileH / 4))
    if (label) overlays.push(label)
    overlays.push({ input: tile(visibleMean(cls.mean), width, height, SCALE), raw, top, left: LABEL_WIDTH })
    cls.samples.forEach((sample, i) => {
      const left = LABEL_WIDTH + (tileW + GAP) * (i + 1) + GAP * 2
      overlays.push({ input: tile(sample, width, height, SCALE), raw, top, left })
    })
  }
  return sharp({ create: { width: sheetW, height: sheetH, channels: 3, background: BACKGROUND } })
    .composite(overlays)
    .png()
    .toBuffer()
}

/** Write the contact sheet atomically (a failed write never leaves half a PNG). */
export async function writeContactSheet(path: string, summary: DatasetSummary): Promise<void> {
  await writeFileAtomic(path, await contactSheetPng(summary))
}
