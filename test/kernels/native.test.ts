import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import {
  allocateKernelArray, gemmWasm, kernelProvider, useBitExactKernels, kernels, nativeKernels, setThreads, threadsReady, useProvider,
} from '../../src/main/engine/kernels'
import { NativeGraph, nativeBindingProblem } from '../../src/main/engine/kernels/native/binding'
import { createNativeGemm, NATIVE_MIN_DEPTH, NATIVE_MIN_MACS, runsNatively } from '../../src/main/engine/kernels/native/gemm'
import { gemmModel } from '../../src/main/engine/kernels/native/models'
import { describeCase, expectWithinBound, operands, run, variants, type Case } from '../helpers/gemm-bound'
import { describeProvider } from '../helpers/providers'

const onNative = describeProvider('native')
let threadCount = 1
const nativeGemm = nativeBindingProblem === null ? createNativeGemm(() => threadCount) : null

onNative('onnxruntime-node’s native binding, as the adapter relies on it', () => {
  it('is the exact version package.json pins', () => {
    const pinned = (JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> }).dependencies['onnxruntime-node']
    const installed = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/)
    expect(installed).toBe(pinned)
  })

  it('runs a graph synchronously, writing the output into the array given for it', () => {
    const graph = new NativeGraph(gemmModel({ transA: false, transB: false, accumulate: false }), 1)
    const y = new Float32Array(4)
    const feeds = { a: graph.tensor(Float32Array.of(1, 2, 3, 4), [2, 2]), b: graph.tensor(Float32Array.of(5, 6, 7, 8), [2, 2]) }
    graph.run(feeds, { y: graph.tensor(y, [2, 2]) })
    // Read before any await: were `run` asynchronous, y would still hold zeros here.
    expect(Array.from(y)).toEqual([19, 22, 43, 50])
    graph.dispose()
  })
})

onNative('the native GEMM (MLAS) equals the reference within (k + 2)·u·S', () => {
  afterEach(() => {
    threadCount = 1
  })

  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [13, 11, 300], [67, 45, 513], [256, 30, 784], [64, 300, 576]]
  it.each(shapes.flatMap(([m, n, k]) => variants(m, n, k)))('m $m, n $n, k $k, transA $transA, transB $transB, accumulate $accumulate', (c) => {
    expectWithinBound(nativeGemm!, operands(c, c.m * 7919 + c.n * 31 + c.k))
  })

  it.each(variants(3, 4, 0))('k = 0 gives zeros, or keeps C (transA $transA, transB $transB, accumulate $accumulate)', (c) => {
    const args = operands(c, 5)
    expect(run(nativeGemm!, args)).toEqual(c.accumulate ? args.c : new Float32Array(c.m * c.n))
  })

  it('reads and writes arrays in the kernels’ shared memory and views into larger buffers', () => {
    const c: Case = { m: 40, n: 50, k: 60, transA: true, transB: false, accumulate: true }
    const args = operands(c, 11)
    const [a, b, out] = [allocateKernelArray(c.m * c.k), allocateKernelArray(c.k * c.n + 3).subarray(3), allocateKernelArray(c.m * c.n)]
    a.set(args.a)
    b.set(args.b)
    out.set(args.c)
    nativeGemm!({ ...args, a, b, c: out })
    expectWithinBound(nativeGemm!, args, out.slice())
    const longer = new Float32Array(c.m * c.n + 9)
    longer.set(args.c)
    nativeGemm!({ ...args, c: longer })
    expect(longer.subarray(0, c.m * c.n)).toEqual(out)
    expect(Array.from(longer.subarray(c.m * c.n))).toEqual(new Array(9).fill(0))
  })

  // NOTE: not across thread counts: MLAS splits a long sum into a small C among threads (32×6272·6272×144 NN
  // differs in ~40% of C between 1 and 2 threads), which the WebAssembly kernels never do.
  it.each([1, 2])('gives the same bits call after call on %i thread(s)', (count) => {
    threadCount = count
    const cases = [...variants(203, 150, 101), ...variants(32, 144, 6272), { m: 64, n: 3136, k: 576, transA: false, transB: false, accumulate: false }]
    const first = cases.map((c, i) => run(nativeGemm!, operands(c, i)))
    cases.forEach((c, i) => expect(run(nativeGemm!, operands(c, i)), describeCase(c)).toEqual(first[i]))
  })

  it('refuses operands too short for the shape', () => {
    const args = { ...operands({ m: 2, n: 2, k: 2, transA: false, transB: false, accumulate: false }, 1), a: new Float32Array(3) }
    expect(() => nativeGemm!(args)).toThrow(/too short/)
  })
})

onNative('the native provider', () => {
  afterEach(() => useProvider('native'))

  it('is the one in use by default, and hands small, shallow and mostly-zero products to WebAssembly', () => {
    expect(kernelProvider()).toBe(process.env.DIGIT_LAB_KERNELS ?? 'native')
    const big = operands({ m: 64, n: 64, k: 128, transA: false, transB: false, accumulate: false }, 1)
    expect(64 * 64 * 128).toBeGreaterThanOrEqual(NATIVE_MIN_MACS)
    expect(runsNatively(big)).toBe(true)
    expect(runsNatively({ ...big, k: 8 })).toBe(false)
    expect(runsNatively({ ...big, m: 4096, k: NATIVE_MIN_DEPTH - 1 }), 'few terms per element').toBe(false)
    // A mostly-zero operand stays on WebAssembly wherever it lives: the route reads values, not addresses.
    const pixels = new Float32Array(big.m * big.k).map((_, i) => (i % 5 === 0 ? 1 : 0))
    const pinned = allocateKernelArray(pixels.length)
    pinned.set(pixels)
    expect(runsNatively({ ...big, a: pixels })).toBe(false)
    expect(runsNatively({ ...big, a: pinned })).toBe(false)
    expect(runsNatively({ ...big, b: big.b.map(() => 0) })).toBe(false)
    // Routed products still agree with the reference.
    useProvider('native')
    expectWithinBound(kernels.gemm, operands({ m: 512, n: 64, k: 128, transA: true, transB: false, accumulate: true }, 2))
  })

  it('switches to the bit-exact WebAssembly set and back, and says which is in use', () => {
    useBitExactKernels()
    expect(kernelProvider()).toBe('wasm')
    expect(kernels.gemm).toBe(gemmWasm)
    useProvider('native')
    expect(kernelProvider()).toBe('native')
    expect(kernels.gemm).toBe(nativeKernels!.gemm)
  })

  it('uses the engine’s thread count', async () => {
    setThreads(2)
    await threadsReady()
    useProvider('native')
    const args = operands({ m: 256, n: 256, k: 256, transA: false, transB: true, accumulate: false }, 4)
    expectWithinBound(kernels.gemm, args)
    setThreads(1)
  })
})

describe('choosing a provider', () => {
  it('refuses a provider that cannot run, saying why', () => {
    if (nativeKernels) return expect(() => useProvider('native')).not.toThrow()
    expect(() => useProvider('native')).toThrow(/cannot run here/)
  })
})
