import fc from 'fast-check'
import { afterAll, expect, it } from 'vitest'
import { allocateKernelArray, referenceKernels, type AdamStepArgs } from '../../src/main/engine/kernels'
import { adamStepWasm, kernelThreadsReady, setKernelThreads } from '../../src/main/engine/kernels/wasm'
import { Random } from '../../src/main/engine/random'
import { describeProvider } from '../helpers/providers'

const onWasm = describeProvider('wasm')

const bits = (values: Float32Array): Int32Array => new Int32Array(values.slice().buffer)

/** A parameter mid-training: values, a gradient and moments, with the constants of step `step` of AdamW or Adam. */
function adamArgs(size: number, seed: number, decoupled: boolean, inKernel = false): AdamStepArgs {
  const random = new Random(seed)
  const floats = (scale: number, f = (v: number) => v): Float32Array => {
    const values = inKernel ? allocateKernelArray(size) : new Float32Array(size)
    for (let i = 0; i < size; i++) values[i] = f(scale * random.normal())
    return values
  }
  const [lr, beta1, beta2, step, decay] = [1e-3 * (1 + random.uniform()), 0.85 + 0.1 * random.uniform(), 0.99, 1 + Math.floor(random.uniform() * 50), 0.01]
  return {
    values: floats(1), grad: floats(0.1), m: floats(0.01), v: floats(1e-3, (v) => v * v), beta1, beta2, eps: 1e-8,
    coupledDecay: decoupled ? 0 : decay,
    shrink: decoupled ? 1 - lr * decay : 1,
    stepSize: lr / (1 - Math.pow(beta1, step)),
    inverseCorrection2: 1 / Math.sqrt(1 - Math.pow(beta2, step)),
  }
}

onWasm('the Adam update on WebAssembly', () => {
  it('gives the reference values and moments bit for bit, Adam and AdamW, any length', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), fc.boolean(), fc.boolean(), (size, seed, decoupled, inKernel) => {
      const [reference, fast] = [adamArgs(size, seed, decoupled), adamArgs(size, seed, decoupled, inKernel)]
      referenceKernels.adamStep(reference)
      adamStepWasm!(fast)
      for (const key of ['values', 'm', 'v'] as const) expect(bits(fast[key]), key).toEqual(bits(reference[key]))
    }), { numRuns: 200 })
  })

  it('moves each value against its gradient and leaves the gradient as it was', () => {
    const args = adamArgs(9, 4, true)
    const [before, grad] = [args.values.slice(), args.grad.slice()]
    adamStepWasm!({ ...args, m: new Float32Array(9), v: new Float32Array(9) })
    for (let i = 0; i < 9; i++) expect(Math.sign(args.values[i] - before[i] * args.shrink)).toBe(-Math.sign(grad[i]))
    expect(bits(args.grad)).toEqual(bits(grad))
  })

  it('refuses moments of another length', () => {
    const args = adamArgs(8, 1, false)
    expect(() => adamStepWasm!({ ...args, v: new Float32Array(7) })).toThrow(/one length, got 8, 8, 8, 7/)
  })
})

onWasm('the Adam update on helper threads', () => {
  afterAll(() => setKernelThreads(1))

  it.each([2, 3])('gives the reference bits on %i threads, for parameters large enough to share, of any length', async (threads) => {
    setKernelThreads(threads)
    await kernelThreadsReady()
    for (const [size, inKernel] of [[65_536, true], [100_003, false], [262_147, true]] as const) {
      const [reference, fast] = [adamArgs(size, size, size % 2 === 0), adamArgs(size, size, size % 2 === 0, inKernel)]
      referenceKernels.adamStep(reference)
      adamStepWasm!(fast)
      for (const key of ['values', 'm', 'v'] as const) expect(bits(fast[key]), `${key} of ${size}`).toEqual(bits(reference[key]))
    }
  })
})
