const CHUNK = /(\d+)|(\D+)/g

function chunks(text: string): string[] {
  return text.match(CHUNK) ?? []
}

function isDigits(chunk: string): boolean {
  const code = chunk.charCodeAt(0)
  return code >= 48 && code <= 57
}

function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  if (x.length !== y.length) return x.length - y.length
  return x < y ? -1 : x > y ? 1 : 0
}

function compareText(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Natural order: runs of digits compare as numbers ("2" < "10", "img9" < "img10"), other text
 * case-insensitively; ties fall back to plain code-unit order so the order is total and the same
 * on every platform (no locale).
 */
export function naturalCompare(a: string, b: string): number {
  const ca = chunks(a)
  const cb = chunks(b)
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const digits = isDigits(ca[i]) && isDigits(cb[i])
    const order = digits ? compareNumbers(ca[i], cb[i]) : compareText(ca[i], cb[i])
    if (order !== 0) return order
  }
  if (ca.length !== cb.length) return ca.length - cb.length
  return a < b ? -1 : a > b ? 1 : 0
}

/** A copy of `names` in natural order. */
export function naturalSort(names: readonly string[]): string[] {
  return [...names].sort(naturalCompare)
}
