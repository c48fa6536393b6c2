/** How long a repeated piece of work took. */
export interface Timing {
  readonly best: number
  readonly median: number
  readonly runs: number
}

export interface TimingOptions {
  /** Keep repeating until this many seconds have passed… */
  readonly minSeconds: number
  /** …and at least this many timed runs were made. */
  readonly minRuns: number
  readonly warmupRuns: number
}

const DEFAULTS: TimingOptions = { minSeconds: 1, minRuns: 5, warmupRuns: 2 }

// NOTE: the best run is the headline because other processes share the 2 cores here; the median is kept
// beside it to show how noisy the machine was. torch_bench.py times the same way.
/** Times `work` after warming it up (V8 tiers code up on its first calls), in seconds. */
export function time(work: () => void, options: Partial<TimingOptions> = {}): Timing {
  const { minSeconds, minRuns, warmupRuns } = { ...DEFAULTS, ...options }
  for (let i = 0; i < warmupRuns; i++) work()
  const seconds: number[] = []
  const start = performance.now()
  while (seconds.length < minRuns || performance.now() - start < minSeconds * 1000) {
    const t = performance.now()
    work()
    seconds.push((performance.now() - t) / 1000)
  }
  seconds.sort((x, y) => x - y)
  return { best: seconds[0], median: seconds[Math.floor(seconds.length / 2)], runs: seconds.length }
}

/** The process's peak resident set so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024)
}
