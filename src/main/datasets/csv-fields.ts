/**
 * The fields of one CSV line, the same way for the header and every row: split at commas outside
 * double quotes, each field trimmed and unquoted (`"a ""b"""` → `a "b"`). Returns null for a line whose
 * quotes do not close (a field spread over several lines is not a pixel table's).
 */
export function csvFields(line: string): string[] | null {
  // Most pixel tables quote nothing: split at once.
  if (!line.includes('"')) return line.split(',').map((field) => field.trim())
  const fields: string[] = []
  let at = 0
  for (;;) {
    while (at < line.length && (line[at] === ' ' || line[at] === '\t')) at++
    if (line[at] === '"') {
      const start = at
      let text = ''
      let from = at + 1
      for (;;) {
        const close = line.indexOf('"', from)
        if (close < 0) return null
        text += line.slice(from, close)
        if (line[close + 1] !== '"') {
          at = close + 1
          break
        }
        text += '"'
        from = close + 2
      }
      const comma = line.indexOf(',', at)
      const rest = line.slice(at, comma < 0 ? line.length : comma).trim()
      // Text after a closing quote (`"12"3`) leaves the field as written, so it is named, never read as 123.
      fields.push(rest === '' ? text : line.slice(start, comma < 0 ? line.length : comma).trim())
      if (comma < 0) return fields
      at = comma + 1
    } else {
      const comma = line.indexOf(',', at)
      fields.push(line.slice(at, comma < 0 ? line.length : comma).trim())
      if (comma < 0) return fields
      at = comma + 1
    }
  }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * A field's value if it is a decimal number (`12`, `0.5`, `.5`, `1.0e+02` as numpy writes), else NaN.
 *
 * NOTE: stricter than `Number()`, which also reads `0x10` as 16, `0b1`, `0o7`, `Infinity` and an
 * empty field as 0: pixels are written in decimal, so anything else is a mistake worth naming.
 */
export function decimalValue(field: string): number {
  // Fast path: up to three plain digits, which is nearly every pixel.
  if (field.length > 0 && field.length <= 3) {
    let value = 0
    for (let i = 0; i < field.length; i++) {
      const digit = field.charCodeAt(i) - 48
      if (digit < 0 || digit > 9) return DECIMAL.test(field) ? Number(field) : Number.NaN
      value = value * 10 + digit
    }
    return value
  }
  return DECIMAL.test(field) ? Number(field) : Number.NaN
}
