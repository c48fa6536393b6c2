import { describe, expect, it } from 'vitest'
import { DataLoader, ImageDataset, TensorDataset, arange } from '../../src/main/engine'

const rows = new TensorDataset(arange(10).reshape(10, 1), arange(10))
const firstColumn = (loader: DataLoader) => [...loader].map((batch) => Array.from(batch.y.data))

describe('DataLoader', () => {
  it('keeps the last partial batch and keeps order without shuffle', () => {
    const loader = new DataLoader(rows, { batchSize: 4 })
    expect(loader.length).toBe(3)
    expect(firstColumn(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
  })

  it('shuffles each epoch differently, the same way for the same seed', () => {
    const a = new DataLoader(rows, { batchSize: 10, shuffle: true, seed: 3 })
    const b = new DataLoader(rows, { batchSize: 10, shuffle: true, seed: 3 })
    const [a1, a2] = [firstColumn(a), firstColumn(a)]
    expect(firstColumn(b)).toEqual(a1)
    expect(firstColumn(b)).toEqual(a2)
    expect(a2).not.toEqual(a1)
    expect([...a1[0]].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('refuses a batch size that is not a positive whole number', () => {
    expect(() => new DataLoader(rows, { batchSize: 0 })).toThrow(/batch size must be a positive whole number, got 0/)
  })
})

describe('ImageDataset', () => {
  const split = { pixels: Uint8Array.from([0, 255, 51, 102, 255, 0, 0, 0]), labels: Int32Array.from([0, 1]), count: 2 }

  it('serves (n, 1, h, w) floats in 0..1 and class targets', () => {
    const { x, y } = new ImageDataset(split, 2, 2, 'class').batch([1, 0])
    expect(x.shape).toEqual([2, 1, 2, 2])
    expect(Array.from(x.data)).toEqual([1, 0, 0, 0, 0, 1, 0.2, 0.4].map(Math.fround))
    expect(y.shape).toEqual([2])
    expect(Array.from(y.data)).toEqual([1, 0])
  })

  it('serves (n, 1) binary targets with 1 for the first class, as the chapter\'s "is it a 3"', () => {
    const { y } = new ImageDataset(split, 2, 2, 'binary').batch([0, 1])
    expect(y.shape).toEqual([2, 1])
    expect(Array.from(y.data)).toEqual([1, 0])
  })
})
