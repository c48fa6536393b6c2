import { Worker } from 'node:worker_threads'
import type { CompiledModule, GemmExports, SharedMemory } from './instance'

/** The 13 arguments of the module's `gemm`, in order. */
export type GemmCall = readonly [
  a: number, lda: number, b: number, ldb: number, c: number, ldc: number,
  m: number, n: number, k: number, transA: number, transB: number, accumulate: number, work: number,
]

/** Bytes of shared memory each helper's mailbox takes (16 int32s). */
export const SLOT_BYTES = 64
const [POSTED, DONE, STATE, ARGS] = [0, 1, 2, 3]
/** A mailbox's STATE: 0 while the helper starts, then READY, or FAILED for good. */
const [READY, FAILED] = [1, 2]

// NOTE: a helper is plain JavaScript evaluated in a worker, so it needs no file path in Node, a worker or a
// bundle. It sleeps in Atomics.wait until its mailbox's POSTED count moves, runs the call, then bumps DONE.
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { module, memory, slot } = workerData
const mailbox = new Int32Array(memory.buffer, slot, 16)
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports
Atomics.store(mailbox, ${STATE}, ${READY})
let seen = Atomics.load(mailbox, ${POSTED})
for (;;) {
  Atomics.wait(mailbox, ${POSTED}, seen)
  seen = Atomics.load(mailbox, ${POSTED})
  try {
    const a = Array.from(mailbox.subarray(${ARGS}, ${ARGS + 13}), (x, i) => (i === 0 || i === 2 || i === 4 || i === 12 ? x >>> 0 : x))
    gemm(...a)
  } catch {
    Atomics.store(mailbox, ${STATE}, ${FAILED})
  }
  Atomics.store(mailbox, ${DONE}, seen)
  Atomics.notify(mailbox, ${DONE})
}
`

/** A worker thread running the kernel module on the shared memory, fed through a mailbox in that memory. */
class Helper {
  private readonly mailbox: Int32Array
  private readonly worker: Worker

  constructor(module: CompiledModule, memory: SharedMemory, slot: number) {
    this.mailbox = new Int32Array(memory.buffer, slot, 16)
    this.worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, slot } })
    // A helper never keeps the process alive, and one that dies is simply not used again.
    this.worker.unref()
    this.worker.on('error', () => Atomics.store(this.mailbox, STATE, FAILED))
  }

  get ready(): boolean {
    return Atomics.load(this.mailbox, STATE) === READY
  }

  post(call: GemmCall): void {
    this.mailbox.set(call, ARGS)
    Atomics.add(this.mailbox, POSTED, 1)
    Atomics.notify(this.mailbox, POSTED)
  }

  /** Blocks until the posted call is done; false if the helper failed. */
  await(): boolean {
    const posted = Atomics.load(this.mailbox, POSTED)
    for (let done = Atomics.load(this.mailbox, DONE); done !== posted; done = Atomics.load(this.mailbox, DONE)) {
      if (Atomics.load(this.mailbox, STATE) === FAILED) return false
      Atomics.wait(this.mailbox, DONE, done, 1000)
    }
    return Atomics.load(this.mailbox, STATE) !== FAILED
  }
}

/** Helper threads for the GEMM, started on first use; mailboxes sit at `mailboxes` in the shared memory. */
export class HelperPool {
  private readonly helpers: Helper[] = []

  constructor(
    private readonly module: CompiledModule,
    private readonly memory: SharedMemory,
    private readonly mailboxes: number,
    private readonly capacity: number,
  ) {}

  /** How many helpers are ready now, starting more (up to `wanted`) for later calls. */
  available(wanted: number): number {
    while (this.helpers.length < Math.min(wanted, this.capacity)) {
      this.helpers.push(new Helper(this.module, this.memory, this.mailboxes + this.helpers.length * SLOT_BYTES))
    }
    let ready = 0
    while (ready < Math.min(wanted, this.helpers.length) && this.helpers[ready].ready) ready++
    return ready
  }

  /** Runs calls[0] on this thread and calls[i] on helper i − 1 at the same time; returns when all are done. */
  runAll(exports: GemmExports, calls: readonly GemmCall[]): void {
    calls.slice(1).forEach((call, i) => this.helpers[i].post(call))
    exports.gemm(...calls[0])
    const failed = calls.slice(1).filter((_, i) => !this.helpers[i].await())
    if (failed.length > 0) throw new Error('gemm: a helper thread failed; call setGemmThreads(1) to compute on this thread only')
  }
}
