import { beforeAll, describe, expect, it } from 'vitest'
import type { DigitLabService } from '../../../src/main/service/digit-lab-service'
import { labService } from './lab-fixture'

describe('Lab panel 2: broadcasting, traced', () => {
  let service: DigitLabService
  beforeAll(async () => void ({ service } = await labService()))

  it("traces mnist_distance(valid_3, mean3): (1010,28,28) − (28,28) → (1010,28,28) → abs → mean(-1,-2) → (1010)", async () => {
    const reply = await service.labBroadcast({ label: 0 })
    expect(reply.distance.map((s) => [s.op, s.inputs.map((i) => i.shape), s.output.shape])).toEqual([
      ['ReduceMean', [[6131, 28, 28]], [28, 28]],
      ['Sub', [[1010, 28, 28], [28, 28]], [1010, 28, 28]],
      ['Abs', [[1010, 28, 28]], [1010, 28, 28]],
      ['ReduceMean', [[1010, 28, 28]], [1010]],
    ])
    expect(reply.distance[1].code).toBe('valid_3 - mean3')
    expect(reply.distance[1].broadcast).toEqual({ aligned: [[1010, 28, 28], [1, 28, 28]], result: [1010, 28, 28] })
    expect(reply.copyBytesAvoided).toBe(1010 * 784 * 4)
  })

  it('gives every image its nearest mean at once, and the accuracy of panel 1’s baseline on that class', async () => {
    const reply = await service.labBroadcast({ label: 1 })
    expect(reply.verdict.map((s) => [s.op, s.output.shape])).toEqual([
      ['Reshape', [1028, 1, 28, 28]],
      ['Sub', [1028, 2, 28, 28]],
      ['ReduceMean', [1028, 2]],
      ['ArgMin', [1028]],
      ['Equal', [1028]],
      ['ReduceMean', []],
    ])
    expect(reply.verdict[1].broadcast?.aligned).toEqual([[1028, 1, 28, 28], [1, 2, 28, 28]])
    const pixels = await service.labPixels({ split: 'valid', index: 0 })
    expect(reply.accuracy).toBeCloseTo(pixels.baseline[0].perClass[1].accuracy, 6)
    expect(reply.accuracy).toBeCloseTo(0.9854, 4)
  })

  it('refuses a class the dataset does not have', async () => {
    await expect(service.labBroadcast({ label: 2 })).rejects.toThrow(/has 2 classes/)
  })
})
