/** A linear or logarithmic map from data values to pixels, with the ticks an axis shows. */
export interface Scale {
  readonly map: (value: number) => number
  readonly invert: (pixel: number) => number
  readonly ticks: readonly number[]
}

/** About `count` round numbers (1, 2 or 5 times a power of ten apart) covering min..max. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min]
  const raw = (max - min) / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power
  const ticks: number[] = []
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)))
  return ticks
}

/** The data range of values, widened a little (and around a single value) so nothing sits on the frame. */
export function extent(values: Iterable<number>, pad = 0.05): [number, number] {
  let [min, max] = [Infinity, -Infinity]
  for (const v of values) if (Number.isFinite(v)) [min, max] = [Math.min(min, v), Math.max(max, v)]
  if (min === Infinity) return [0, 1]
  if (min === max) return [min - 1, max + 1]
  const margin = (max - min) * pad
  return [min - margin, max + margin]
}

/** Map [min, max] to [from, to] pixels, linearly or by log10 (positive values only). */
export function scale(min: number, max: number, from: number, to: number, log = false): Scale {
  if (log) {
    const [lo, hi] = [Math.log10(Math.max(min, 1e-300)), Math.log10(Math.max(max, 1e-300))]
    const span = hi - lo || 1
    const ticks: number[] = []
    for (let p = Math.ceil(lo); p <= Math.floor(hi); p++) ticks.push(10 ** p)
    return {
      map: (v) => from + ((Math.log10(Math.max(v, 1e-300)) - lo) / span) * (to - from),
      invert: (px) => 10 ** (lo + ((px - from) / (to - from)) * span),
      ticks,
    }
  }
  const span = max - min || 1
  return { map: (v) => from + ((v - min) / span) * (to - from), invert: (px) => min + ((px - from) / (to - from)) * span, ticks: niceTicks(min, max) }
}

/** A tick's label: short, and in powers of ten where numbers are large or small. */
export function tickLabel(value: number): string {
  if (value === 0) return '0'
  const size = Math.abs(value)
  if (size >= 1e5 || size < 1e-3) return value.toExponential(0).replace('e+', 'e')
  return String(Number(value.toPrecision(4)))
}
