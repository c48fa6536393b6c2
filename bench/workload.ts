/** One measured line of the benchmark: what ran, on what, how long, and the rates the workload knows. */
export interface Result {
  readonly workload: string
  /** Which variant of the workload (a shape, a batch size…); pairs our line with PyTorch's. */
  readonly case: string
  /** What the case is, for people. */
  readonly label?: string
  /** `ours` is the engine as it ships; `ours-reference` runs the plain TypeScript kernels; `pytorch` the reference script. */
  readonly engine: 'ours' | 'ours-reference' | 'pytorch'
  readonly threads: number
  /** Ours only: whose kernels ran (native: onnxruntime's MLAS; wasm: our WebAssembly SIMD). */
  readonly kernels?: string
  /** Ours, training only: how the steps ran (graph: one traced onnxruntime graph; ops: op by op, and why). */
  readonly step?: string
  /** PyTorch only: the instruction set it was held to (`--torch-isa`); absent, the best the CPU has. */
  readonly isa?: string
  /** Best wall-clock seconds of one run (the least disturbed by other processes). */
  readonly seconds: number
  readonly medianSeconds?: number
  /** CPU seconds the process spent in the best run (all its threads): steadier than wall time on a shared machine. */
  readonly cpuSeconds?: number
  readonly runs?: number
  readonly gflops?: number
  readonly imagesPerSecond?: number
  readonly accuracy?: number
  readonly peakRssMb?: number
}

/** What `bench/torch_bench.py` takes to run a workload's PyTorch counterpart: its name and its cases. */
export interface TorchRequest {
  readonly workload: string
  /** The function of torch_bench.py that runs the cases; the workload's name when absent. */
  readonly runner?: string
  readonly cases: readonly unknown[]
}

/** A benchmark workload: one file in bench/, listed once in `bench/workloads.ts`. */
export interface Workload {
  readonly name: string
  readonly title: string
  /**
   * How many rounds `npm run bench` runs it, ours and PyTorch's interleaved, keeping each case's best (3 when
   * absent); a workload that already repeats itself inside, or takes minutes, says 1.
   */
  readonly rounds?: number
  /** Measures our engine, one result per case; `round` counts from 0 (a workload may alternate what runs first). */
  run(round: number): Promise<Result[]>
  /** Lines under the table, from every round's results (such as a ratio of two cases measured in the same round). */
  summarize?(rounds: readonly (readonly Result[])[]): string[]
  /** The same cases for PyTorch, when it has a counterpart. */
  torch?(): TorchRequest
}
