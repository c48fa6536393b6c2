import { beforeAll, describe, expect, it } from 'vitest'
import type { DigitLabService } from '../../../src/main/service/digit-lab-service'
import type { AppEvent } from '../../../src/shared/api'
import { importDataset } from '../../../src/main/datasets'
import { noGrad } from '../../../src/main/engine/autograd'
import { classMeans, PixelSimilarity } from '../../../src/main/engine/models/pixel-similarity'
import { imagesTensor } from '../../../src/main/service/lab/images'
import { baselineAccuracies } from '../../../src/main/service/lab/pixels'
import { floats, labService } from './lab-fixture'

describe('Lab panel 1: pixels and the ideal digit', () => {
  let service: DigitLabService
  let events: AppEvent[]
  beforeAll(async () => void ({ service, events } = await labService()))

  it('measures the baseline by both distances in one pass over the validation images, reporting how far it is', async () => {
    await service.labPixels({ split: 'valid', index: 0 })
    const progress = events.flatMap((e) => (e.kind === 'lab' && e.event.kind === 'baseline' ? [e.event] : []))
    const total = 2038
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.every((p) => p.total === total)).toBe(true)
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b))
    expect(progress.at(-1)!.done).toBe(total)
  })

  it('measures an image against every class mean by L1 and RMSE, as plain loops do', async () => {
    const reply = await service.labPixels({ split: 'valid', index: 3 })
    const view = await service.openSample('mnist-sample')
    const x = floats(reply.image.pixels)
    expect(x).toHaveLength(784)
    for (const d of reply.distances) {
      // the mean image in floats, from the training split by hand
      const rows = (await service.imagePage({ split: 'train', label: d.label, offset: 0, limit: 2000 }))
      expect(rows.total).toBe(view.classes[d.label].train)
      const all = await Promise.all(Array.from({ length: Math.ceil(rows.total / 2000) }, (_, k) => service.imagePage({ split: 'train', label: d.label, offset: k * 2000, limit: 2000 })))
      const mean = new Float64Array(784)
      for (const page of all) for (const image of page.images) floats(image.pixels).forEach((v, j) => (mean[j] += v / rows.total))
      let l1 = 0
      let sq = 0
      x.forEach((v, j) => ((l1 += Math.abs(v - mean[j])), (sq += (v - mean[j]) ** 2)))
      expect(d.l1).toBeCloseTo(l1 / 784, 5)
      expect(d.rmse).toBeCloseTo(Math.sqrt(sq / 784), 5)
    }
    const byL1 = reply.distances.reduce((a, b) => (b.l1 < a.l1 ? b : a)).label
    expect(reply.verdict.l1).toBe(byL1)
  })

  it("gives the chapter's baseline on the validation set: 3s 0.9168, 7s 0.9854, average 0.9511", async () => {
    const reply = await service.labPixels({ split: 'train', index: 0 })
    const l1 = reply.baseline.find((b) => b.distance === 'l1')!
    expect(l1.perClass.map((c) => c.count)).toEqual([1010, 1028])
    expect(l1.perClass[0].accuracy).toBeCloseTo(0.9168, 4)
    expect(l1.perClass[1].accuracy).toBeCloseTo(0.9854, 4)
    expect(l1.classAverage).toBeCloseTo(0.9511, 4)
    expect(reply.baseline.find((b) => b.distance === 'rmse')!.accuracy).toBeGreaterThan(0.9)
  })

  it("counts the same images right as the engine's PixelSimilarity model, by L1 and by RMSE", async () => {
    const { dataset: data } = await importDataset('mnist-sample', {})
    const means = classMeans(data.train, 2, 784)
    const fast = await baselineAccuracies(data, means)
    for (const distance of ['l1', 'rmse'] as const) {
      const predicted = noGrad(() => new PixelSimilarity(means, distance).forward(imagesTensor(data.valid, Int32Array.from({ length: data.valid.count }, (_, i) => i), [784])).argmax(-1))
      const correct = [0, 0]
      data.valid.labels.forEach((label, i) => void (predicted.data[i] === label && correct[label]++))
      expect(fast.find((b) => b.distance === distance)!.perClass.map((c) => c.correct)).toEqual(correct)
    }
  })

  it('refuses an image that does not exist, saying how many there are', async () => {
    await expect(service.labPixels({ split: 'valid', index: 5000 })).rejects.toThrow(/has 2038 images \(0 to 2037\)/)
  })
})
