/** Side of the drawing pad, in its own pixels (ten times MNIST's 28). */
export const PAD_SIDE = 280
/** Pen width on the pad: about MNIST's stroke once the digit is scaled into its 20×20 box. */
export const PEN_WIDTH = 20

/** A point of a stroke, in pad pixels; `pressure` is 0.5 for a mouse, the pen's pressure for a pen. */
export interface StrokePoint {
  readonly x: number
  readonly y: number
  readonly pressure: number
}

export type Stroke = readonly StrokePoint[]

/** Pen pressure 0.5 draws the nominal width; lighter or heavier pressure draws thinner or thicker. */
const widthAt = (point: StrokePoint): number => PEN_WIDTH * (0.6 + 0.8 * point.pressure)

/** Draw strokes with round joins and caps: a dot for a single point, segments otherwise. */
export function drawStrokes(context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, strokes: readonly Stroke[], colour: string): void {
  context.strokeStyle = colour
  context.fillStyle = colour
  context.lineCap = 'round'
  context.lineJoin = 'round'
  for (const stroke of strokes) {
    if (stroke.length === 1) {
      context.beginPath()
      context.arc(stroke[0].x, stroke[0].y, widthAt(stroke[0]) / 2, 0, Math.PI * 2)
      context.fill()
      continue
    }
    for (let i = 1; i < stroke.length; i++) {
      context.lineWidth = widthAt(stroke[i])
      context.beginPath()
      context.moveTo(stroke[i - 1].x, stroke[i - 1].y)
      context.lineTo(stroke[i].x, stroke[i].y)
      context.stroke()
    }
  }
}

let scratch: OffscreenCanvas | null = null

/** The strokes as a PAD_SIDE² gray image, ink 255 on background 0 (MNIST polarity). */
export function rasterize(strokes: readonly Stroke[]): Uint8Array {
  scratch ??= new OffscreenCanvas(PAD_SIDE, PAD_SIDE)
  const context = scratch.getContext('2d', { willReadFrequently: true })
  const gray = new Uint8Array(PAD_SIDE * PAD_SIDE)
  if (!context) return gray
  context.clearRect(0, 0, PAD_SIDE, PAD_SIDE)
  drawStrokes(context, strokes, '#fff')
  const rgba = context.getImageData(0, 0, PAD_SIDE, PAD_SIDE).data
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4 + 3]
  return gray
}
