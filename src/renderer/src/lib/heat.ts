/** Colours of a diverging map: negative values, zero, positive values. */
export interface HeatPalette {
  readonly negative: readonly [number, number, number]
  readonly zero: readonly [number, number, number]
  readonly positive: readonly [number, number, number]
}

export const HEAT_LIGHT: HeatPalette = { negative: [200, 55, 45], zero: [246, 247, 250], positive: [60, 75, 210] }
export const HEAT_DARK: HeatPalette = { negative: [245, 120, 110], zero: [24, 27, 33], positive: [135, 145, 250] }

/**
 * Paint values (row-major, `width` per row) onto a canvas of that size: 0 in the palette's zero
 * colour, ±`limit` (default the largest magnitude) in full negative or positive colour.
 */
export function paintHeat(canvas: HTMLCanvasElement, values: ArrayLike<number>, width: number, palette: HeatPalette, limit?: number): void {
  const height = Math.ceil(values.length / width)
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d')
  if (!context) return
  let largest = limit ?? 0
  if (limit === undefined) for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]))
  const image = context.createImageData(width, height)
  for (let i = 0; i < values.length; i++) {
    const t = largest > 0 ? Math.max(-1, Math.min(1, values[i] / largest)) : 0
    const end = t < 0 ? palette.negative : palette.positive
    const a = Math.abs(t)
    for (let c = 0; c < 3; c++) image.data[i * 4 + c] = Math.round(palette.zero[c] + (end[c] - palette.zero[c]) * a)
    image.data[i * 4 + 3] = 255
  }
  context.putImageData(image, 0, 0)
}
