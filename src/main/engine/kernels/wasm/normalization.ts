import type { BatchNormBackward, BatchNormForward, ChannelLayout } from '../normalization'
import type { GemmModule } from './instance'
import type { Layout } from './layout'
import { callStaged } from './staging'

/** What `normalization.as.ts` exports; pointers are byte offsets into the memory, flags 0 or 1. */
interface NormalizationExports {
  batchNormForward(
    x: number, out: number, weight: number, bias: number, mean: number, variance: number, invStd: number,
    batch: number, channels: number, inner: number, training: number, relu: number, eps: number,
  ): void
  batchNormBackward(
    dy: number, reluOut: number, x: number, mean: number, weight: number, invStd: number, sumDy: number, sumDyXhat: number, dx: number,
    batch: number, channels: number, inner: number, training: number,
  ): void
}

function checkLengths(op: string, { batch, channels, inner }: ChannelLayout, values: readonly (ArrayLike<number> | null)[], perChannel: readonly ArrayLike<number>[]): void {
  const size = batch * channels * inner
  if (values.some((array) => array !== null && array.length !== size) || perChannel.some((array) => array.length !== channels)) {
    throw new RangeError(`${op}: arrays must hold ${batch}×${channels}×${inner} values and ${channels} per channel`)
  }
}

/** Batch norm's forward and backward passes on WebAssembly SIMD (the same bits as the reference). */
export function createBatchNorm(wasm: GemmModule, layout: Layout): { forward: BatchNormForward; backward: BatchNormBackward } {
  const exports = wasm.exports as unknown as NormalizationExports
  const forward: BatchNormForward = (args) => {
    const { x, weight, bias, mean, variance, invStd, out, batch, channels, inner, training } = args
    checkLengths('batchNormForward', args, [x, out], [weight, bias, mean, variance, invStd])
    const statistics = training ? 'out' : 'in'
    const staged = [
      [x, 'in'], [out, 'out'], [weight, 'in'], [bias, 'in'],
      [mean, statistics], [training ? variance : null, 'out'], [invStd, statistics],
    ] as const
    callStaged(wasm, layout, staged, (at) => exports.batchNormForward(
      at[0], at[1], at[2], at[3], at[4], at[5], at[6], batch, channels, inner, +training, +args.relu, args.eps))
  }
  const backward: BatchNormBackward = (args) => {
    const { dy, x, mean, weight, invStd, sumDy, sumDyXhat, dx, batch, channels, inner, training } = args
    checkLengths('batchNormBackward', args, [dy, args.reluOut, x, dx], [mean, weight, invStd, sumDy, sumDyXhat])
    const staged = [[dy, 'in'], [args.reluOut, 'in'], [x, 'in'], [mean, 'in'], [weight, 'in'], [invStd, 'in'], [sumDy, 'out'], [sumDyXhat, 'out'], [dx, 'out']] as const
    callStaged(wasm, layout, staged, (at) => exports.batchNormBackward(
      at[0], at[1], at[2], at[3], at[4], at[5], at[6], at[7], at[8], batch, channels, inner, +training))
  }
  return { forward, backward }
}
