import { beforeAll, describe, expect, it } from 'vitest'
import { importDataset } from '../../../src/main/datasets'
import { noGrad, type DigitDataset } from '../../../src/main/engine'
import { imagesTensor } from '../../../src/main/service/lab/images'
import type { DigitLabService } from '../../../src/main/service/digit-lab-service'
import { chapterTrained, labService } from './lab-fixture'

describe('Lab panel 7: what the model learned', () => {
  let service: DigitLabService
  let data: DigitDataset
  beforeAll(async () => {
    ;({ service } = await labService())
    data = (await importDataset('mnist-sample', {})).dataset
  })

  it("shows the linear model's one weight per pixel as an image, and simple_net's 30 hidden units with their votes", async () => {
    const linear = await service.labWeights({ model: 'linear' })
    expect(linear.images).toHaveLength(1)
    expect(linear.images[0].values).toHaveLength(784)
    expect(linear.images[0].title).toBe('3 (+) against 7 (−)')
    const net = await service.labWeights({ model: 'simple_net' })
    expect(net.images).toHaveLength(30)
    expect(net.model.history).toMatch(/^trained 40 epochs in the ladder/)
    const model = await chapterTrained(data, 'simple_net')
    const [, , [, output]] = model.namedParameters()
    expect(net.images.map((image) => image.vote)).toEqual(Array.from(output.data))
    expect(net.limit).toBe(Math.max(...net.images.flatMap((image) => image.values.map(Math.abs))))
  })

  it('gives saliency ∂score/∂pixel that agrees with central differences of the score to 1e-3', async () => {
    const reply = await service.labSaliency({ model: 'simple_net', image: { split: 'valid', index: 7 } })
    expect(reply.saliency).toHaveLength(784)
    expect(reply.check.pixels.length).toBeGreaterThanOrEqual(8)
    expect(reply.check.worstAbsolute).toBeLessThan(1e-3)
    // the engine here: the same model, trained by the chapter's recipe, the score of its prediction with one pixel moved
    const model = await chapterTrained(data, 'simple_net')
    const x = imagesTensor(data.valid, [7], [1, 28, 28])
    const score = (): number => noGrad(() => model.forward(x).item()) * (reply.prediction === 0 ? 1 : -1)
    expect(score()).toBeCloseTo(reply.score.value, 6)
    const pixel = reply.check.pixels[0].pixel
    const original = x.data[pixel]
    const h = 1e-2
    x.data[pixel] = original + h
    const plus = score()
    x.data[pixel] = original - h
    const minus = score()
    expect(Math.abs((plus - minus) / (2 * h) - reply.saliency[pixel])).toBeLessThan(1e-3)
  })

  it('for the linear model, saliency is the weight image (±): the score is linear in the pixels', async () => {
    const weights = await service.labWeights({ model: 'linear' })
    const reply = await service.labSaliency({ model: 'linear', image: { split: 'valid', index: 0 } })
    const sign = reply.prediction === 0 ? 1 : -1
    reply.saliency.forEach((s, j) => expect(s).toBeCloseTo(sign * weights.images[0].values[j], 6))
  })
})
