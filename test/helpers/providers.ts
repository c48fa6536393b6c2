import { describe, it } from 'vitest'
import { providerProblem, type KernelProvider } from '../../src/main/engine/kernels'

/** Set to 1 to let kernel suites skip (loudly) a provider this machine lacks; ignored in CI. */
export const ALLOW_MISSING_ENV = 'DIGIT_LAB_ALLOW_MISSING_KERNELS'

const NAMES: Record<KernelProvider, string> = { native: 'native (onnxruntime MLAS)', wasm: 'WebAssembly SIMD', reference: 'TypeScript reference' }

/**
 * The `describe` for suites that exercise `provider`'s kernels. Where the provider is missing, the file gets a
 * failing test that says why (always in CI; locally unless DIGIT_LAB_ALLOW_MISSING_KERNELS=1, which skips the
 * suites and says "not run"), so a broken build never passes by testing the reference in its place.
 */
export function describeProvider(provider: KernelProvider): ReturnType<typeof describe.runIf> {
  const problem = providerProblem(provider)
  if (!problem) {
    console.info(`kernel suites exercise the ${NAMES[provider]} provider`)
    return describe.runIf(true)
  }
  const optedOut = process.env[ALLOW_MISSING_ENV] === '1' && !process.env.CI
  if (optedOut) {
    console.warn(`not run: the ${NAMES[provider]} kernel suites (${problem}; ${ALLOW_MISSING_ENV}=1)`)
  } else {
    it(`the ${NAMES[provider]} provider is present`, () => {
      throw new Error(`the ${NAMES[provider]} kernels are missing: ${problem}. Locally, ${ALLOW_MISSING_ENV}=1 skips these suites.`)
    })
  }
  return describe.runIf(false)
}
