// AssemblyScript. The job block of a memory pass shared by threads (see `runBlock` in helpers.ts; its words are laid
// out in interface.spec.mjs): the next chunk, the number of chunks, which pass, then the pass's arguments as its
// export takes them, without the range it covers. Chunk i of n covers [i·total/n, (i+1)·total/n) of the pass's
// channels (or rows).
import { PASS_JOB_ARGS as ARGS, PASS_JOB_CHUNKS as CHUNKS, PASS_JOB_NEXT as NEXT, PASS_JOB_PASS as PASS } from './generated/interface.as'

/** Which pass the job block at `job` runs. */
@inline export function passOf(job: usize): i32 {
  return load<i32>(job, PASS)
}

/** The i-th argument of the pass at `job`, an int32 word. */
@inline export function arg(job: usize, i: i32): i32 {
  return load<i32>(job + ARGS + (<usize>i << 2))
}

/** A float64 argument in the two words from the i-th on. */
@inline export function argFloat64(job: usize, i: i32): f64 {
  return load<f64>(job + ARGS + (<usize>i << 2))
}

/** Claims the next chunk of the job at `job`, or returns −1 when none is left. */
@inline export function claimChunk(job: usize): i32 {
  const i = atomic.add<i32>(job + NEXT, 1)
  return i < load<i32>(job, CHUNKS) ? i : -1
}

/** Where chunk `i` of the job at `job` starts among `total` channels (or rows); chunk i ends where i + 1 starts. */
@inline export function chunkStart(job: usize, i: i32, total: i32): i32 {
  return <i32>(<i64>i * total / load<i32>(job, CHUNKS))
}
