import { Worker } from 'node:worker_threads'
import { DISPATCH, ENTRIES, type GemmOperands, type JobEntry } from './generated/interface'
import type { CompiledModule, KernelBuild, SharedMemory } from './instance'

/** A GEMM split into chunks of C's rows (or columns); the fields of a job block read by `gemmChunks`. */
export interface Job {
  readonly chunks: number
  readonly chunk: number
  readonly alongRows: boolean
  readonly operands: GemmOperands
  /** Which of the pool's kernel builds runs it (an index into `builds`). */
  readonly build: number
}

/** Bytes of shared memory a job block takes, and each helper's mailbox (apart, so they share no cache line). */
export const BLOCK_BYTES = 128
const [POSTED, CLAIMED, DONE, STATE] = [0, 1, 2, 3]
/** A mailbox's STATE: 0 while the helper starts, then READY, or FAILED for good. */
const [READY, FAILED] = [1, 2]
/** The job block's words that hold `Job.build` and which export runs it (an index into ENTRIES): interface.spec.mjs. */
const { build: BUILD, entry: ENTRY } = DISPATCH

/**
 * How many times a helper looks for the next job, and the poster for a helper's end, before sleeping on the
 * futex (tens of microseconds): a step's passes follow each other closely, and waking from a futex sleep costs
 * about as long as a small pass (a CNN epoch on two threads: 3% faster).
 */
const SPIN_CHECKS = 20_000
export type { JobEntry }

/**
 * Runs pass `pass` of a memory pass's export (`convChunks` in conv.as.ts, `batchNormChunks` in normalization.as.ts,
 * `adamChunks` in optim.as.ts) with `args` on this thread and helpers, cut into chunks of its `total` channels, rows
 * or floats (see pass-job.as.ts); false when no helper is free or wanted, and the caller runs the pass itself.
 */
export type SharePass = (pass: number, total: number, args: readonly number[]) => boolean

// NOTE: a helper is plain JavaScript evaluated in a worker, so it needs no file path in Node, a worker or a
// bundle. It watches POSTED a while, then sleeps until it moves, claims the job (unless the poster, done first, took it back), runs
// chunks of it with the job's build and entry until none is left, then reports DONE.
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { modules, memory, job, mailbox: at, work } = workerData
const mailbox = new Int32Array(memory.buffer, at, 4)
const jobWords = new Int32Array(memory.buffer, job, ${BLOCK_BYTES / 4})
const chunkRunners = modules.map((module) => {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports
  return ${JSON.stringify(ENTRIES)}.map((entry) => exports[entry])
})
Atomics.store(mailbox, ${STATE}, ${READY})
let seen = Atomics.load(mailbox, ${POSTED})
for (;;) {
  for (let spin = 0; spin < ${SPIN_CHECKS} && Atomics.load(mailbox, ${POSTED}) === seen; spin++);
  Atomics.wait(mailbox, ${POSTED}, seen)
  seen = Atomics.load(mailbox, ${POSTED})
  if (Atomics.compareExchange(mailbox, ${CLAIMED}, seen - 1, seen) !== seen - 1) continue
  try {
    chunkRunners[jobWords[${BUILD}]][jobWords[${ENTRY}]](job, work)
  } catch {
    Atomics.store(mailbox, ${STATE}, ${FAILED})
  }
  Atomics.store(mailbox, ${DONE}, seen)
  Atomics.notify(mailbox, ${DONE})
}
`

/** A worker thread running the kernel module on the shared memory, woken through its mailbox. */
class Helper {
  private readonly mailbox: Int32Array
  private readonly worker: Worker

  constructor(modules: readonly CompiledModule[], memory: SharedMemory, job: number, mailbox: number, work: number) {
    this.mailbox = new Int32Array(memory.buffer, mailbox, 4)
    this.worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { modules, memory, job, mailbox, work } })
    // A helper never keeps the process alive, and one that fails to start is simply never used.
    this.worker.unref()
    this.worker.on('error', () => Atomics.store(this.mailbox, STATE, FAILED))
  }

  get ready(): boolean {
    return Atomics.load(this.mailbox, STATE) === READY
  }

  post(): void {
    Atomics.add(this.mailbox, POSTED, 1)
    Atomics.notify(this.mailbox, POSTED)
  }

  /**
   * Takes the posted job back if the helper has not claimed it yet, else waits until it is done (the
   * poster ran out of chunks first). False if the helper failed while running it.
   */
  finish(): boolean {
    const posted = Atomics.load(this.mailbox, POSTED)
    if (Atomics.compareExchange(this.mailbox, CLAIMED, posted - 1, posted) === posted - 1) return true
    for (let spin = 0; spin < SPIN_CHECKS && Atomics.load(this.mailbox, DONE) !== posted; spin++);
    for (let done = Atomics.load(this.mailbox, DONE); done !== posted; done = Atomics.load(this.mailbox, DONE)) {
      Atomics.wait(this.mailbox, DONE, done, 1000)
    }
    return Atomics.load(this.mailbox, STATE) !== FAILED
  }
}

/** Helper threads for the GEMM, started on demand; the job block and mailboxes sit in the shared memory. */
export class HelperPool {
  private readonly helpers: Helper[] = []
  private readonly job: Int32Array

  constructor(
    /** The kernel builds a job may run with (see `Job.build`), compiled once and instantiated by each helper. */
    private readonly builds: readonly KernelBuild[],
    private readonly memory: SharedMemory,
    private readonly jobAt: number,
    /** One workspace per thread: this one's first, then each helper's. */
    private readonly workspaces: readonly number[],
  ) {
    this.job = new Int32Array(memory.buffer, jobAt, BLOCK_BYTES / 4)
  }

  /** How many helpers are ready now, starting more (up to `wanted`) for later calls. */
  available(wanted: number): number {
    const target = Math.min(wanted, this.workspaces.length - 1)
    while (this.helpers.length < target) {
      const i = this.helpers.length
      const mailbox = this.jobAt + BLOCK_BYTES * (i + 1)
      this.helpers.push(new Helper(this.builds.map((build) => build.module), this.memory, this.jobAt, mailbox, this.workspaces[i + 1]))
    }
    let ready = 0
    while (ready < target && this.helpers[ready].ready) ready++
    return ready
  }

  /** Runs `job` on this thread and the first `helpers` helpers together; returns when every chunk is done. */
  run(job: Job, helpers: number): void {
    // The words in GEMM_JOB's order (interface.spec.mjs): next, chunks, chunk, alongRows, then gemm's operands.
    this.runBlock([0, job.chunks, job.chunk, +job.alongRows, ...job.operands], 'gemmChunks', job.build, helpers)
  }

  /**
   * Runs the job block `words` (its first word the next chunk, 0; at most BUILD words) with the export `entry` of
   * `build` on this thread and the first `helpers` helpers together; returns when every chunk is done.
   */
  runBlock(words: readonly number[], entry: JobEntry, build: number, helpers: number): void {
    if (words.length > BUILD) throw new RangeError(`a job block holds at most ${BUILD} words, got ${words.length}`)
    this.job.set(words)
    this.job[BUILD] = build
    this.job[ENTRY] = ENTRIES.indexOf(entry)
    const team = this.helpers.slice(0, helpers)
    for (const helper of team) helper.post()
    this.builds[build].exports[entry](this.jobAt, this.workspaces[0])
    const failed = team.filter((helper) => !helper.finish())
    if (failed.length > 0) throw new Error('gemm: a helper thread failed; setKernelThreads(1) computes on this thread only')
  }
}
