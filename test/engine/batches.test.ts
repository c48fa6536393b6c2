import { describe, expect, it } from 'vitest'
import { DataLoader, ImageDataset, TensorDataset, arange, type ImageSplit } from '../../src/main/engine'

const split: ImageSplit = {
  pixels: Uint8Array.from({ length: 10 * 4 }, (_, i) => (i * 37) % 256),
  labels: Int32Array.from({ length: 10 }, (_, i) => i % 2),
  count: 10,
}

const values = (loader: Iterable<{ x: { data: Float32Array }; y: { data: Float32Array } }>): number[][] =>
  [...loader].map(({ x, y }) => [...x.data, ...y.data])

describe('DataLoader.batches', () => {
  it('gives the batches iteration gives, with or without reusing the input array', () => {
    const make = (): DataLoader => new DataLoader(new ImageDataset(split, 2, 2, 'binary'), { batchSize: 4, shuffle: true, seed: 7 })
    const [plain, reusing] = [make(), make()]
    for (let epoch = 0; epoch < 3; epoch++) {
      const expected = values(plain)
      const got: number[][] = []
      for (const { x, y } of reusing.batches({ reuseInputs: true })) got.push([...x.data, ...y.data])
      expect(got).toEqual(expected)
    }
  })

  it('writes every batch after the first into one array when reusing, and a new one otherwise', () => {
    const loader = new DataLoader(new ImageDataset(split, 2, 2, 'class'), { batchSize: 4 })
    const buffers = (reuseInputs: boolean): ArrayBufferLike[] => [...loader.batches({ reuseInputs })].map(({ x }) => x.data.buffer)
    buffers(true)
    const reused = buffers(true)
    expect(new Set(reused).size).toBe(1)
    expect(new Set(buffers(false)).size).toBe(3)
  })

  it('leaves a dataset that ignores the array as it is', () => {
    const loader = new DataLoader(new TensorDataset(arange(6).reshape(6, 1), arange(6)), { batchSize: 4 })
    expect([...loader.batches({ reuseInputs: true })].map(({ x }) => Array.from(x.data))).toEqual([[0, 1, 2, 3], [4, 5]])
  })
})
