// The binary interface between the TypeScript engine and the AssemblyScript kernels, written once: the job blocks
// that threads share in memory, the exports that run them, and the passes each runs. `npm run build:wasm`
// (scripts/kernel-interface.mjs) generates from it generated/interface.as.ts (constants the kernels read) and
// generated/interface.ts (the same constants, and the exports' types taken from the AssemblyScript signatures).

/**
 * A GEMM shared by threads (parallel.as.ts), int32 words: the next chunk, the number of chunks, the chunk size,
 * whether chunks run along C's rows, then gemm's arguments before its workspace (the build checks they match).
 */
export const GEMM_JOB = ['next', 'chunks', 'chunk', 'alongRows',
  'a', 'lda', 'b', 'ldb', 'c', 'ldc', 'm', 'n', 'k', 'transA', 'transB', 'accumulate', 'sparse', 'index']

/** A memory pass shared by threads (pass-job.as.ts): the next chunk, the number of chunks, which pass, its arguments. */
export const PASS_JOB = ['next', 'chunks', 'pass', 'args']

/** The words after the longest job's that say which kernel build and which entry run a job block (helpers.ts). */
export const DISPATCH = ['build', 'entry']

/** The exports that run chunks of a job block; a block names one by its index here. */
export const ENTRIES = ['gemmChunks', 'convChunks', 'batchNormChunks', 'adamChunks']

/** The passes of each entry that runs more than one, by the id a job block's `pass` word holds. */
export const PASSES = {
  convChunks: ['im2col', 'col2im', 'swapAxes'],
  batchNormChunks: ['forward', 'backward'],
}
