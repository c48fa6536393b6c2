/** The Draw pad's side, as the renderer rasterizes it (src/renderer/src/lib/strokes.ts). */
export const PAD = 280

/**
 * A pad-sized drawing of `label` as the pad rasterizes one (ink 255 on 0): a bar for "1", a ring for
 * "0", a cross for anything else, shifted a little by `variant` so no two are the same.
 */
export function padDrawing(label: string, variant = 0): Uint8Array {
  const pixels = new Uint8Array(PAD * PAD)
  const dx = (variant % 5) * 6 - 12
  const dy = (Math.floor(variant / 5) % 5) * 6 - 12
  for (let y = 0; y < PAD; y++) {
    for (let x = 0; x < PAD; x++) {
      const cx = x - 140 - dx
      const cy = y - 140 - dy
      const ink = label === '1' ? Math.abs(cx) < 12 && Math.abs(cy) < 90 : label === '0' ? Math.abs(Math.hypot(cx, cy) - 70) < 12 : Math.abs(cx) < 12 || Math.abs(cy) < 12
      if (ink && Math.abs(cx) < 100 && Math.abs(cy) < 100) pixels[y * PAD + x] = 255
    }
  }
  return pixels
}

/** A saveDrawing request for one pad drawing. */
export function drawingRequest(label: string, variant = 0, target: 'personal' | 'open' = 'personal') {
  return { pixels: Buffer.from(padDrawing(label, variant)).toString('base64'), width: PAD, height: PAD, label, target }
}
