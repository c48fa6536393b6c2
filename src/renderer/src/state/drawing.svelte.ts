import { centreDigit } from '../../../shared/centre-digit'
import { PAD_SIDE, rasterize, type Stroke, type StrokePoint } from '../lib/strokes'

/**
 * The Draw view's digit: the strokes drawn (the last one possibly still under the pen), undo and
 * clear, and the 28×28 input they make once preprocessed as MNIST was.
 */
class Drawing {
  strokes = $state.raw<readonly Stroke[]>([])
  /** True while a stroke is being drawn. */
  drawing = $state(false)

  /** The pad at its own resolution (PAD_SIDE²), ink 255 on 0: what Collect saves. */
  readonly raster = $derived(rasterize(this.strokes))
  /** The digit as the model sees it: ink box into 20×20, centre of mass at the centre of 28×28. */
  readonly input = $derived(centreDigit(this.raster, PAD_SIDE, PAD_SIDE))
  readonly empty = $derived(this.strokes.length === 0)

  begin(point: StrokePoint): void {
    this.strokes = [...this.strokes, [point]]
    this.drawing = true
  }

  extend(points: readonly StrokePoint[]): void {
    if (!this.drawing || points.length === 0) return
    const last = this.strokes.at(-1) ?? []
    this.strokes = [...this.strokes.slice(0, -1), [...last, ...points]]
  }

  end(): void {
    this.drawing = false
  }

  undo(): void {
    this.drawing = false
    this.strokes = this.strokes.slice(0, -1)
  }

  clear(): void {
    this.drawing = false
    this.strokes = []
  }
}

export const drawing = new Drawing()
