import type { Random, RandomState } from '../random'

/** The largest random change each transform may make; every default is the "small affine". */
export interface RandomAffineOptions {
  /** Degrees either way. */
  readonly maxRotate?: number
  /** Pixels either way, on each axis. */
  readonly maxShift?: number
  /** Fraction either way: 0.1 scales by 0.9 to 1.1. */
  readonly maxScale?: number
  /** A scale range of its own, uniform from `[0]` to `[1]` (e.g. [0.5, 1.1]: digits down to half size), instead of ±maxScale. */
  readonly scaleRange?: readonly [number, number]
}

/**
 * A small random affine transform per image, for training data only: rotation, shift and scale
 * about the centre, drawn from a seeded generator, resampled bilinearly with 0 (background)
 * outside the image. The same seed gives the same transforms in the same order.
 */
export class RandomAffine {
  readonly maxRotate: number
  readonly maxShift: number
  readonly maxScale: number
  readonly scaleRange: readonly [number, number] | null

  constructor(private readonly random: Random, options: RandomAffineOptions = {}) {
    this.maxRotate = options.maxRotate ?? 10
    this.maxShift = options.maxShift ?? 2
    this.maxScale = options.maxScale ?? 0.1
    this.scaleRange = options.scaleRange ?? null
  }

  /** Where the transforms' random stream stands, so a saved run draws the same transforms when it resumes. */
  state(): RandomState {
    return this.random.state()
  }

  /** Continue the stream from a state `state()` returned. */
  loadState(state: RandomState): void {
    this.random.setState(state)
  }

  private draw(span: number): number {
    return (2 * this.random.uniform() - 1) * span
  }

  /**
   * Write a transformed copy of the `height × width` image at `src[from…]` to `dst[to…]`. Each
   * output pixel p′ reads the input at the inverse map p = R(−θ)·(p′ − c − t)/s + c.
   */
  apply(src: Float32Array, from: number, dst: Float32Array, to: number, height: number, width: number): void {
    const angle = (this.draw(this.maxRotate) * Math.PI) / 180
    const [shiftX, shiftY] = [this.draw(this.maxShift), this.draw(this.maxShift)]
    const scale = this.scaleRange ? this.scaleRange[0] + this.random.uniform() * (this.scaleRange[1] - this.scaleRange[0]) : 1 + this.draw(this.maxScale)
    const [cos, sin] = [Math.cos(angle) / scale, Math.sin(angle) / scale]
    const [cx, cy] = [(width - 1) / 2, (height - 1) / 2]
    for (let oy = 0; oy < height; oy++) {
      const dy = oy - cy - shiftY
      for (let ox = 0; ox < width; ox++) {
        const dx = ox - cx - shiftX
        const x = cos * dx + sin * dy + cx
        const y = -sin * dx + cos * dy + cy
        const x0 = Math.floor(x)
        const y0 = Math.floor(y)
        const fx = x - x0
        const fy = y - y0
        let value = 0
        if (y0 >= 0 && y0 < height) {
          const row = from + y0 * width
          if (x0 >= 0 && x0 < width) value += (1 - fx) * (1 - fy) * src[row + x0]
          if (x0 + 1 >= 0 && x0 + 1 < width) value += fx * (1 - fy) * src[row + x0 + 1]
        }
        if (y0 + 1 >= 0 && y0 + 1 < height) {
          const row = from + (y0 + 1) * width
          if (x0 >= 0 && x0 < width) value += (1 - fx) * fy * src[row + x0]
          if (x0 + 1 >= 0 && x0 + 1 < width) value += fx * fy * src[row + x0 + 1]
        }
        dst[to + oy * width + ox] = value
      }
    }
  }
}
