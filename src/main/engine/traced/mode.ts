import { kernelProvider } from '../kernels'
import { nativeBindingProblem } from '../kernels/native/binding'

/** How a training step runs: `graph`, one onnxruntime graph traced from the model; `ops`, our ops one by one. */
export type StepMode = 'graph' | 'ops'
export const STEP_MODES: readonly StepMode[] = ['graph', 'ops']

/** Environment variable that picks the step mode at start (`graph` or `ops`). */
export const STEP_ENV = 'DIGIT_LAB_STEP'

/** `text` as a step mode, or an error naming `source` and the choices. */
export function parseStepMode(text: string, source: string): StepMode {
  const mode = STEP_MODES.find((name) => name === text)
  if (!mode) throw new Error(`${source}: unknown step "${text}"; choose one of ${STEP_MODES.join(', ')}`)
  return mode
}

// NOTE: graph by default: measured faster on the CNN (see docs/BENCHMARKS.md, "traced step").
/** The step mode `DIGIT_LAB_STEP` asks for, else graph. */
export function startingStepMode(): StepMode {
  const asked = process.env[STEP_ENV]?.trim()
  return asked ? parseStepMode(asked, STEP_ENV) : 'graph'
}

let asked: StepMode = startingStepMode()

/** Ask for a step mode; `graph` takes effect only with the native kernels (see `stepModeInUse`). */
export function setStepMode(mode: StepMode): void {
  asked = mode
}

/**
 * The step mode training uses now: graph where it was asked for and the native kernels are in use (the graph runs
 * on onnxruntime, so `--kernels wasm` keeps the per-op step and its bits); a model the graph cannot hold still
 * takes the per-op step (the Learner reports which ran).
 */
export function stepModeInUse(): StepMode {
  return asked === 'graph' && nativeBindingProblem === null && kernelProvider() === 'native' ? 'graph' : 'ops'
}

/** The step mode in words, for status lines. */
export function describeStepMode(mode: StepMode): string {
  return mode === 'graph'
    ? 'graph (forward, loss and backward traced into one onnxruntime graph; models it cannot hold take the per-op step)'
    : 'ops (our autograd, op by op)'
}
