/** Seconds as m:ss (or h:mm:ss), for ETAs and epoch times. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** A count with thousands separators: 70,000. */
export function count(value: number): string {
  return integer.format(value)
}

/** "1 epoch", "2 epochs": a count with its noun. */
export function counted(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`
}

/** A loss or metric as fastai prints it: six decimals. */
export function metric(value: number): string {
  return Number.isFinite(value) ? value.toFixed(6) : String(value)
}

/** A learning rate, short: 0.1, 1e-3. */
export function rate(value: number): string {
  return value >= 0.001 ? String(Number(value.toPrecision(3))) : value.toExponential(1)
}

/** A share (0..1) as a person reads it: 0.875 → "87.5%" (`digits` after the point: 2 where runs are compared closely). */
export function formatPercent(fraction: number | null, digits = 1): string {
  if (fraction === null || !Number.isFinite(fraction)) return '–'
  return new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction)
}

/** A time as a person reads it: 0.4 s, 4.9 s, 12 s, then m:ss (1:05) from a minute on. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–'
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`
  if (seconds < 59.5) return `${Math.round(seconds)} s`
  return duration(seconds)
}
