import fc from 'fast-check'
import { expect, it } from 'vitest'
import { allocateKernelArray, referenceKernels } from '../../src/main/engine/kernels'
import { allFiniteWasm } from '../../src/main/engine/kernels/wasm'
import { describeProvider } from '../helpers/providers'

const onWasm = describeProvider('wasm')

const NOT_FINITE = [Number.NaN, Infinity, -Infinity] as const
/** Finite values at the edges: the largest float32s, the smallest normal and subnormal ones, zeros of both signs. */
const EDGES = [3.4028234663852886e38, -3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45, 0, -0] as const

onWasm('the finiteness check on WebAssembly', () => {
  it('agrees with the reference for any length, with NaN or ±∞ anywhere or nowhere, in the kernels’ memory or not', () => {
    const arrays = fc.record({
      values: fc.array(fc.oneof(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(...EDGES)), { maxLength: 70 }),
      bad: fc.option(fc.tuple(fc.nat(), fc.constantFrom(...NOT_FINITE))),
      inKernel: fc.boolean(),
    })
    fc.assert(fc.property(arrays, ({ values, bad, inKernel }) => {
      const array = inKernel ? allocateKernelArray(values.length) : new Float32Array(values.length)
      array.set(values)
      if (bad && array.length > 0) array[bad[0] % array.length] = bad[1]
      expect(allFiniteWasm!(array)).toBe(referenceKernels.allFinite(array))
      expect(allFiniteWasm!(array)).toBe(array.every(Number.isFinite))
    }), { numRuns: 500 })
  })

  it('finds one NaN among ten million finite values, at the start, the middle and the end', () => {
    const values = allocateKernelArray(10_000_003).fill(3.4e38)
    expect(allFiniteWasm!(values)).toBe(true)
    for (const at of [0, 5_000_001, values.length - 1]) {
      values[at] = Number.NaN
      expect(allFiniteWasm!(values), `NaN at ${at}`).toBe(false)
      values[at] = 1
    }
  })
})
