/** Numbers as a person reads them, for every side that writes one into a sentence (the page, main's summaries, the CLI). */

/** A share (0..1) as a percentage: 0.875 → "87.5%" (`digits` after the point: 2 where runs are compared closely). */
export function formatPercent(fraction: number | null, digits = 1): string {
  if (fraction === null || !Number.isFinite(fraction)) return '–'
  return new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction)
}

/** A measured number (a loss, a weight, a gradient) to `digits` significant digits: 0.6931, 12.35, 3.142e-5. */
export function significant(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '−∞'
  if (value === 0) return '0'
  const size = Math.abs(value)
  return size >= 1e5 || size < 1e-4 ? value.toExponential(digits - 1).replace('e+', 'e') : value.toPrecision(digits)
}
