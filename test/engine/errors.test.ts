import { describe, expect, it } from 'vitest'
import { cat, crossEntropy, fromArray, linear, ones, randn, scalar, stack, zeros } from '../../src/main/engine'

/** Every refusal names what it was given, so the message alone says what to fix. */
describe('shape mistakes are refused with a message naming the shapes', () => {
  it('add of shapes that do not broadcast names both shapes and the axis', () => {
    expect(() => zeros([2, 3]).add(zeros([4]))).toThrow('shapes (2, 3) and (4,) cannot be broadcast together (axis -1: 3 vs 4)')
    expect(() => zeros([1010, 28, 28]).sub(zeros([28, 27]))).toThrow(/\(1010, 28, 28\) and \(28, 27\)/)
  })

  it('matmul of shapes whose inner sizes differ names both shapes', () => {
    expect(() => zeros([2, 3]).matmul(zeros([4, 5]))).toThrow('matmul: shapes (2, 3) and (4, 5) do not line up (3 ≠ 4)')
    expect(() => zeros([3]).matmul(zeros([4]))).toThrow(/\(1, 3\) and \(4, 1\)/)
    expect(() => zeros([2, 2, 2]).matmul(zeros([2, 2]))).toThrow('matmul takes 1-D or 2-D tensors, got (2, 2, 2) and (2, 2)')
  })

  it('linear with a weight that does not fit names both', () => {
    expect(() => linear(zeros([5, 4]), zeros([3, 5]), null)).toThrow('linear: input (5, 4) does not fit weight (3, 5)')
    expect(() => linear(zeros([5, 4]), zeros([3, 4]), zeros([4]))).toThrow('linear: bias (4,) does not fit weight (3, 4) (expected (3,))')
  })

  it('reshape to a different number of elements names both sizes', () => {
    expect(() => zeros([2, 3]).reshape(4, 2)).toThrow('cannot reshape (2, 3) (6 elements) to (4, 2)')
    expect(() => zeros([2, 3]).reshape(4, -1)).toThrow('cannot reshape (2, 3) (6 elements) to (4, -1)')
    expect(() => zeros([2, 3]).reshape(-1, -1)).toThrow('only one -1 allowed')
  })

  it('expand, cat and stack name the shapes that do not fit', () => {
    expect(() => zeros([3, 2]).expand(3, 4)).toThrow('expand: (3, 2) cannot be expanded to (3, 4)')
    expect(() => zeros([3, 4]).expand(3, 1)).toThrow('expand: (3, 4) cannot be expanded to (3, 1)')
    expect(() => zeros([2, 3]).expand(3)).toThrow('expand: (2, 3) cannot be expanded to (3,)')
    expect(() => cat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow('cat along axis 0: (2, 4) does not match (2, 3) off that axis')
    expect(() => stack([zeros([2, 3]), zeros([3, 2])])).toThrow('stack: (3, 2) differs from (2, 3)')
  })
})

describe('axes out of range are refused with a message naming the axis', () => {
  const x = zeros([2, 3])
  it.each([
    ['sum', () => x.sum(2), 'axis 2 is out of range for a tensor of rank 2 (valid: -2..1)'],
    ['mean', () => x.mean([0, -3]), 'axis -3 is out of range for a tensor of rank 2'],
    ['max', () => x.max(5), 'axis 5 is out of range'],
    ['argmax', () => x.argmax(-3), 'axis -3 is out of range'],
    ['softmax', () => x.softmax(2), 'axis 2 is out of range'],
    ['logSoftmax', () => x.logSoftmax(-5), 'axis -5 is out of range'],
    ['transpose', () => x.transpose(0, 2), 'axis 2 is out of range'],
    ['unsqueeze', () => x.unsqueeze(4), 'axis 4 is out of range for a tensor of rank 3'],
    ['cat', () => cat([x, x], 2), 'axis 2 is out of range'],
    ['a fractional axis', () => x.sum(0.5), 'axis 0.5 is out of range'],
    ['any axis of a zero-rank tensor', () => scalar(1).max(0), 'axis 0 is out of range for a tensor of rank 0 (a zero-rank tensor has no axes)'],
    ['-1 of a zero-rank tensor', () => scalar(1).softmax(-1), 'axis -1 is out of range for a tensor of rank 0'],
  ])('%s', (_, run, message) => {
    expect(run).toThrow(message)
  })

  it('a repeated axis and a non-permutation are named', () => {
    expect(() => x.sum([1, -1])).toThrow('axis repeated in [1, -1]')
    expect(() => x.permute(0, 0)).toThrow('permute: [0, 0] is not a permutation of the 2 axes of (2, 3)')
    expect(() => x.squeeze(1)).toThrow('squeeze: axis 1 of (2, 3) has size 3, not 1')
  })
})

describe('misuse of autograd and indexing is refused with the reason', () => {
  it('backward() on a non-scalar names its shape', () => {
    const x = ones([2, 3]).requiresGrad_()
    expect(() => x.mul(2).backward()).toThrow('backward() needs a scalar, got shape (2, 3); reduce it first (e.g. .mean())')
  })

  it('backward() on a tensor outside any graph says no input required grad', () => {
    expect(() => ones([]).backward()).toThrow('backward() on a tensor that does not require grad')
  })

  it('item() on more than one element names the shape', () => {
    expect(() => zeros([2]).item()).toThrow('item() needs a one-element tensor, got shape (2,)')
  })

  it('rows out of range are named with the tensor’s shape', () => {
    expect(() => zeros([3, 2]).index(3)).toThrow('index 3 is out of range for 3 rows (3, 2)')
    expect(() => zeros([3, 2]).take([0, 3])).toThrow('take: index 3 is out of range for 3 rows (3, 2)')
  })

  it('cross-entropy names bad shapes and bad class indices', () => {
    const logits = randn([4, 3])
    expect(() => crossEntropy(logits, zeros([3]))).toThrow('cross-entropy takes logits (n, classes) and targets (n,), got (4, 3) and (3,)')
    expect(() => crossEntropy(logits, fromArray([0, 1, 3, 2]))).toThrow('cross-entropy target 3 is not a class index in 0..2')
  })

  it('data that does not fit the shape names both', () => {
    expect(() => fromArray([1, 2, 3], [2, 2])).toThrow('data of length 3 does not fit shape (2, 2) (4 elements)')
    expect(() => fromArray([[1, 2], [3]])).toThrow('ragged nested array')
  })
})
