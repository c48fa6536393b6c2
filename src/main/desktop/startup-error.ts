import { errorMessage } from '../../shared/error-message'
/** The native modules Digit Lab loads, and what each is for (a failure names it in these words). */
const NATIVE_MODULES: readonly { readonly name: string; readonly pattern: RegExp; readonly role: string }[] = [
  { name: 'sharp', pattern: /\bsharp\b|libvips|@img\//i, role: 'reads images' },
  { name: 'onnxruntime-node', pattern: /onnxruntime/i, role: 'runs and checks ONNX models' },
]

/** What the error box says when Digit Lab cannot start. */
export interface StartupProblem {
  readonly title: string
  readonly detail: string
}

const firstLines = (text: string, count: number): string => text.split('\n').slice(0, count).join('\n')

/**
 * Words for a failure before the window could work: a native module that did not load (named, with
 * what it does and what to do), or anything else that stopped the start, with its own message.
 */
export function describeStartupError(error: unknown): StartupProblem {
  const message = errorMessage(error)
  const native = NATIVE_MODULES.find((module) => module.pattern.test(message))
  if (native) {
    return {
      title: 'Digit Lab could not start',
      detail:
        `A part of Digit Lab built for this computer, ${native.name} (it ${native.role}), could not be loaded:\n\n${firstLines(message, 4)}\n\n` +
        'Reinstall Digit Lab from an installer made for this operating system and processor. Your datasets and projects are untouched.',
    }
  }
  return {
    title: 'Digit Lab could not start',
    detail: `${firstLines(message, 6)}\n\nNothing was changed on this computer. If it happens again, please report this message.`,
  }
}
