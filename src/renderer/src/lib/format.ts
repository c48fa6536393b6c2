import { formatPercent, significant } from '../../../shared/number-format'

export { formatPercent, significant }

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

/** A metric by its name: a share (accuracy, error rate) as a percentage, anything else (a loss) to 4 significant digits. */
export function formatMetric(name: string, value: number): string {
  return /accuracy|error_rate/.test(name) ? formatPercent(value) : significant(value)
}

/** A learning rate, short: 0.1, 1e-3. */
export function rate(value: number): string {
  return value >= 0.001 ? String(Number(value.toPrecision(3))) : value.toExponential(1)
}

/** A time as a person reads it: 20 ms, 0.4 s, 4.9 s, 12 s, then m:ss (1:05) from a minute on. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–'
  if (seconds < 0.0995) return formatMilliseconds(seconds * 1000)
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`
  if (seconds < 59.5) return `${Math.round(seconds)} s`
  return duration(seconds)
}

/** A duration measured in milliseconds: "12 ms" under a second, then as `formatSeconds` ("1.8 s"). */
export function formatMilliseconds(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–'
  if (ms < 9.95) return `${ms.toFixed(1)} ms`
  return ms < 999.5 ? `${Math.round(ms)} ms` : formatSeconds(ms / 1000)
}

/** A size in bytes: "3.1 MB", "820 KB", "1.2 GB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'] as const
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) [value, unit] = [value / 1024, unit + 1]
  return unit === 0 ? `${count(value)} bytes` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}
