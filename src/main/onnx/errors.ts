/**
 * Why an ONNX file was refused, in one line a person can act on ("input 'data' has shape
 * [1,3,224,224]; Digit Lab feeds [N,1,28,28] grayscale digits"). Every refusal of a model file,
 * from the first byte to the first run, is one of these.
 */
export class OnnxModelError extends Error {
  override readonly name = 'OnnxModelError'

  constructor(message: string) {
    super(message.split('\n')[0])
  }
}

/** The first line of an error's message, for wrapping a library's multi-line errors into one line. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n').map((line) => line.trim()).find(Boolean) ?? 'unknown error'
}

/** A byte count for people: `812 KB`, `4.2 GB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  const units = ['KB', 'MB', 'GB', 'TB', 'PB', 'EB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}
