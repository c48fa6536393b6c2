import { fusedGemm, gemmReference, kernelProvider, kernels, setFusedGemm, type Gemm } from '../src/main/engine/kernels'
import { kernelThreadsReady, setKernelThreads } from '../src/main/engine/kernels/wasm'
import { Random } from '../src/main/engine/random'
import { peakRssMb, time } from './timing'
import type { Result, Workload } from './workload'

/** One matrix product: op(A) is m×k, op(B) is k×n, each stored transposed when its flag is set. */
interface GemmCase {
  readonly label: string
  readonly m: number
  readonly n: number
  readonly k: number
  readonly transA: boolean
  readonly transB: boolean
}

function gemmCase(label: string, m: number, k: number, n: number, variant = 'NN'): GemmCase {
  return { label, m, n, k, transA: variant[0] === 'T', transB: variant[1] === 'T' }
}

/** The chapter's products (batch 256, 784 pixels, 30 hidden units), the conv models' and the 1024³ yardstick. */
const CASES: readonly GemmCase[] = [
  gemmCase('square 1024³', 1024, 1024, 1024),
  gemmCase('simple_net forward, x·W', 256, 784, 30),
  gemmCase('simple_net forward as linear, x·Wᵀ', 256, 784, 30, 'NT'),
  gemmCase('simple_net backward, xᵀ·G', 784, 256, 30, 'TN'),
  gemmCase('simple_net backward as linear, Gᵀ·x', 30, 256, 784, 'TN'),
  gemmCase('simple_net backward, G·Wᵀ', 256, 30, 784, 'NT'),
  gemmCase('linear forward, x·w', 256, 784, 1),
  gemmCase('linear backward, gᵀ·x', 1, 256, 784, 'TN'),
  // A convolution is W·cols forward (NN), dY·colsᵀ for its weight gradient (NT, k = batch·positions) and Wᵀ·dY
  // for its input's (TN): the CNN's at batch 128, then ResNet-18's at batch 64 (see ops/conv.ts).
  gemmCase('CNN conv1 forward (1→16, 14×14)', 16, 9, 25088),
  gemmCase('CNN conv1 weight gradient', 16, 25088, 9, 'NT'),
  gemmCase('CNN conv2 forward (16→32, 7×7)', 32, 144, 6272),
  gemmCase('CNN conv2 weight gradient', 32, 6272, 144, 'NT'),
  gemmCase('CNN conv2 input gradient', 144, 32, 6272, 'TN'),
  gemmCase('CNN conv3 forward (32→64, 4×4)', 64, 288, 2048),
  gemmCase('CNN conv3 weight gradient', 64, 2048, 288, 'NT'),
  gemmCase('CNN conv3 input gradient', 288, 64, 2048, 'TN'),
  gemmCase('ResNet-18 stem weight gradient (7×7, 1→64)', 64, 12544, 49, 'NT'),
  gemmCase('ResNet-18 layer1 forward (64→64, 7×7)', 64, 576, 3136),
  gemmCase('ResNet-18 layer1 weight gradient', 64, 3136, 576, 'NT'),
  gemmCase('ResNet-18 layer1 input gradient', 576, 64, 3136, 'TN'),
  gemmCase('ResNet-18 layer2 forward (128→128, 4×4)', 128, 1152, 1024),
  gemmCase('ResNet-18 layer3 forward (256→256, 2×2)', 256, 2304, 256),
  gemmCase('ResNet-18 layer4 forward (512→512, 1×1)', 512, 512, 64),
]

/** Products also run with the plain build (a multiply, then an add), for what the fused multiply-add gives. */
const PLAIN_CASES: readonly GemmCase[] = ['square 1024³', 'CNN conv3 forward (32→64, 4×4)', 'ResNet-18 layer1 forward (64→64, 7×7)']
  .map((label) => CASES.find((c) => c.label === label)!)

/** The plain TypeScript kernel is ~50× slower: it runs a smaller square and the chapter's forward. */
const REFERENCE_CASES: readonly GemmCase[] = [gemmCase('square 256³', 256, 256, 256), CASES[1]]

function caseName({ m, n, k, transA, transB }: GemmCase): string {
  return `${m}x${k}·${k}x${n} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`
}

function measure(gemm: Gemm, c: GemmCase, engine: Result['engine'], threads = 1, variant = ''): Result {
  const random = new Random(1)
  const fill = (size: number): Float32Array => Float32Array.from({ length: size }, () => random.normal())
  const args = { a: fill(c.m * c.k), b: fill(c.k * c.n), c: new Float32Array(c.m * c.n), m: c.m, n: c.n, k: c.k, transA: c.transA, transB: c.transB, accumulate: false }
  // NOTE: a large product gets more runs, so that one undisturbed run is likely on a shared machine.
  const timing = time(() => gemm(args), { minSeconds: c.m * c.n * c.k >= 1 << 27 ? 4 : 1 })
  return {
    workload: 'gemm', case: `${caseName(c)}${variant && ` ${variant}`}`, label: `${c.label}${variant && `, ${variant}`}`, engine, threads,
    seconds: timing.best, medianSeconds: timing.median, runs: timing.runs,
    gflops: (2 * c.m * c.n * c.k) / timing.best / 1e9, peakRssMb: peakRssMb(),
  }
}

/** Thread counts our GEMM is measured with. */
const THREADS = [1, 2]

/** GEMM throughput of the engine's kernel (copies into WebAssembly memory included) and of the reference. */
export const gemmWorkload: Workload = {
  name: 'gemm',
  title: 'GEMM, float32',
  // Each product is already timed best-of-many for a few seconds.
  rounds: 1,
  async run() {
    const results: Result[] = []
    for (const threads of THREADS) {
      setKernelThreads(threads)
      await kernelThreadsReady()
      results.push(...CASES.map((c) => measure(kernels.gemm, c, 'ours', threads)))
    }
    setKernelThreads(1)
    // The plain build is WebAssembly's; the native provider sends these products to MLAS.
    if (fusedGemm() && kernelProvider() === 'wasm') {
      setFusedGemm(false)
      results.push(...PLAIN_CASES.map((c) => measure(kernels.gemm, c, 'ours', 1, 'plain')))
      setFusedGemm(true)
    }
    return [...results, ...REFERENCE_CASES.map((c) => measure(gemmReference, c, 'ours-reference'))]
  },
  torch() {
    return { workload: 'gemm', cases: CASES.map((c) => ({ ...c, case: caseName(c) })) }
  },
}
