import { errorMessage } from '../../shared/error-message'
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
  const message = errorMessage(error)
  return message.split('\n').map((line) => line.trim()).find(Boolean) ?? 'unknown error'
}

/**
 * An onnxruntime error as a person reads it: no source location or C++ signature in front
 * (`/onnxruntime_src/…/model_load_utils.h:46 void onnxruntime::…(const std::unordered_map<…>&, …) `),
 * no `[ONNXRuntimeError] : 10 : INVALID_GRAPH :` code, on one line, and cut after the sentence that
 * passes 160 characters.
 */
export function runtimeMessage(error: unknown): string {
  let text = errorMessage(error).replace(/\s+/g, ' ').trim()
  text = text.replace(/^\[ONNXRuntimeError\] : \d+ : \w+ : /, '')
  text = text.replace(/^\S+\.(?:h|hpp|cc|cpp|c):\d+ .*?\)(?: const)? (?=[A-Z*"'])/, '')
  let short = ''
  for (const sentence of text.split(/(?<=\.) (?=[A-Z])/)) {
    short = short ? `${short} ${sentence}` : sentence
    if (short.length >= 160) break
  }
  return (short.length > 300 ? `${short.slice(0, 299)}…` : short) || 'unknown error'
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
