import { isGradEnabled, record } from '../autograd'
import { ScratchSlot, giveBackArray, lendArray } from '../kernels'
import { Tensor } from '../tensor'
import { convolve, type ConvOptions, type ConvPass } from './conv'
import { normalize, type BatchNormOptions, type BatchNormParameters, type BatchNormPass } from './normalization'

/** A convolution's weight, bias and window, as `Conv2d` holds them. */
export interface ConvParameters {
  readonly weight: Tensor
  readonly bias: Tensor | null
  readonly options: ConvOptions
}

/** Scratch slots of the fused op (none outlives one call), each held by one user at a time. */
const SCRATCH = {
  /** The conv's output, when no backward pass will come, or when the backward pass computes it again. */
  convOutput: new ScratchSlot('conv output'),
  /** The batch norm's input gradient, which the conv's backward pass reads as its output's gradient. */
  normInputGradient: new ScratchSlot('batch norm input gradient'),
}

// NOTE: the same bits as batchNorm(conv2d(x, …), …) (the same kernels on the same values, in the same order), with
// the tensor between them never made: the conv writes its output into the kernels' memory, lent until the
// backward pass (or a scratch array when no backward will come), the batch norm reads it there, and its input
// gradient goes to a scratch array the conv's backward reads in place. That spares each Conv → BatchNorm pair
// four to six copies of an activation in and out of the kernels' memory per step, and two arrays for the
// collector. Nothing else ever sees the conv's output, so giving it back after the backward pass is safe; a
// second backward pass computes it again.
/**
 * `batchNorm(conv2d(x, conv…), norm…)` (with its ReLU when `options.relu`) as one op: a Conv and the
 * BatchNormalization after it, as ResNets and the small CNN stack them.
 */
export function convBatchNorm(x: Tensor, conv: ConvParameters, norm: BatchNormParameters, options: BatchNormOptions): Tensor {
  const inputs = [x, conv.weight, ...(conv.bias ? [conv.bias] : []), norm.weight, norm.bias]
  const keep = isGradEnabled() && inputs.some((input) => input.requiresGrad)
  // What the backward pass keeps: the conv's output, lent with this holder as its owner, so that it returns by
  // itself should the backward pass never come (once the closure that holds the holder is collected).
  const kept: { convOut: Float32Array | null } = { convOut: null }
  let scratchOut = false
  const forward = (): { pass: ConvPass; out: Float32Array; normPass: BatchNormPass } => {
    const pass = convolve(x, conv.weight, conv.bias, conv.options, (length) => {
      if (keep) return lendArray(length, kept) ?? new Float32Array(length)
      scratchOut = true
      return SCRATCH.convOutput.hold(length)
    })
    kept.convOut = keep ? pass.out : null
    const out = new Float32Array(pass.out.length)
    return { pass, out, normPass: normalize(pass.out, pass.shape, norm, options, out) }
  }
  let forwardPass
  try {
    forwardPass = forward()
  } finally {
    if (scratchOut) SCRATCH.convOutput.release()
  }
  const { pass, out, normPass } = forwardPass
  return record(new Tensor(out, pass.shape), 'ConvBatchNormalization', inputs, (grad) => {
    /** `fn` on the conv's output: as kept, or computed again into the scratch slot. */
    const withConvValues = <T>(fn: (values: Float32Array) => T): T => kept.convOut
      ? fn(kept.convOut)
      : SCRATCH.convOutput.use(out.length, (values) => {
        pass.forwardInto(values)
        return fn(values)
      })
    const convNeedsGrad = x.requiresGrad || conv.weight.requiresGrad || (conv.bias?.requiresGrad ?? false)
    const backward = (dConv: Float32Array | null): (Tensor | null)[] => {
      const [dGamma, dBeta] = withConvValues((values) => normPass.backward(grad.data, values, dConv))
      if (kept.convOut) giveBackArray(kept.convOut)
      kept.convOut = null
      const [dx, dWeight, dBias] = dConv ? pass.backward(dConv) : [null, null, null]
      return [dx, dWeight, ...(conv.bias ? [dBias] : []), dGamma, dBeta]
    }
    return convNeedsGrad ? SCRATCH.normInputGradient.use(out.length, backward) : backward(null)
  })
}
