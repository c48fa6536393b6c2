import type { BatchNormBackward, BatchNormForward, ChannelLayout } from '../normalization'
import { PASSES } from './generated/interface'
import type { SharePass } from './helpers'
import type { KernelModule } from './instance'
import type { Layout } from './layout'
import { callStaged } from './staging'

/** Below this many values a pass runs on one thread: waking a helper costs ~10–50 µs. */
const PARALLEL_MIN_VALUES = 1 << 17
const { forward: FORWARD, backward: BACKWARD } = PASSES.batchNormChunks

/** A float64 as the two int32 words of its bits (little-endian), for a job block. */
function float64Words(value: number): [number, number] {
  const words = new Int32Array(new Float64Array([value]).buffer)
  return [words[0], words[1]]
}

function checkLengths(op: string, { batch, channels, inner }: ChannelLayout, values: readonly (ArrayLike<number> | null)[], perChannel: readonly ArrayLike<number>[]): void {
  const size = batch * channels * inner
  if (values.some((array) => array !== null && array.length !== size) || perChannel.some((array) => array.length !== channels)) {
    throw new RangeError(`${op}: arrays must hold ${batch}×${channels}×${inner} values and ${channels} per channel`)
  }
}

/** Batch norm's forward and backward passes on WebAssembly SIMD (the same bits as the reference). */
export function createBatchNorm(wasm: KernelModule, layout: Layout, share: SharePass): { forward: BatchNormForward; backward: BatchNormBackward } {
  const { exports } = wasm
  /** Shares the pass among threads, channel ranges apart, when it is large enough to pay; false if not shared. */
  const shared = (pass: number, args: readonly number[], { batch, channels, inner }: ChannelLayout): boolean =>
    batch * channels * inner >= PARALLEL_MIN_VALUES && share(pass, channels, args)
  const forward: BatchNormForward = (args) => {
    const { x, weight, bias, mean, variance, invStd, out, batch, channels, inner, training } = args
    checkLengths('batchNormForward', args, [x, out], [weight, bias, mean, variance, invStd])
    const statistics = training ? 'out' : 'in'
    const staged = [
      [x, 'in'], [out, 'out'], [weight, 'in'], [bias, 'in'],
      [mean, statistics], [training ? variance : null, 'out'], [invStd, statistics],
    ] as const
    callStaged(wasm, layout, staged, (at) => {
      const passArgs = [at[0], at[1], at[2], at[3], at[4], at[5], at[6], batch, channels, inner, +training, +args.relu] as const
      if (!shared(FORWARD, [...passArgs, ...float64Words(args.eps)], args)) exports.batchNormForward(...passArgs, args.eps, 0, channels)
    })
  }
  const backward: BatchNormBackward = (args) => {
    const { dy, x, mean, weight, invStd, sumDy, sumDyXhat, dx, batch, channels, inner, training } = args
    checkLengths('batchNormBackward', args, [dy, args.reluOut, x, dx], [mean, weight, invStd, sumDy, sumDyXhat])
    const staged = [[dy, 'in'], [args.reluOut, 'in'], [x, 'in'], [mean, 'in'], [weight, 'in'], [invStd, 'in'], [sumDy, 'out'], [sumDyXhat, 'out'], [dx, 'out']] as const
    callStaged(wasm, layout, staged, (at) => {
      const passArgs = [at[0], at[1], at[2], at[3], at[4], at[5], at[6], at[7], at[8], batch, channels, inner, +training] as const
      if (!shared(BACKWARD, passArgs, args)) exports.batchNormBackward(...passArgs, 0, channels)
    })
  }
  return { forward, backward }
}
