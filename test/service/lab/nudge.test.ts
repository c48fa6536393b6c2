import { beforeAll, describe, expect, it } from 'vitest'
import { DigitLabService } from '../../../src/main/service/digit-lab-service'
import { eventually } from '../../helpers/eventually'
import { labService, threeClassFolder } from './lab-fixture'

/** Train the Lab's linear model in the ladder for `epochs` and wait for it. */
async function trainLinear(service: DigitLabService, epochs: 'one' | 'chapter'): Promise<void> {
  await service.labTrain({ models: ['linear'], epochs })
  const ladder = await eventually(() => service.labLadder(), (reply) => !reply.running, 30_000)
  expect(ladder.running, 'the ladder still training after 30 s').toBe(false)
}

describe('Lab panel 5: why not accuracy as the loss', () => {
  let service: DigitLabService
  beforeAll(async () => {
    ;({ service } = await labService())
    await trainLinear(service, 'chapter')
  }, 60_000)

  it('nudges the weight the loss is most sensitive to: the sweep matches a real forward pass, the loss moves, the accuracy mostly not', async () => {
    const range = 3
    const probe = await service.labNudge({ weight: null, range, delta: 0 })
    const k = 45
    const delta = probe.sweep.deltas[k]
    const reply = await service.labNudge({ weight: null, range, delta })
    expect(reply.model.trained).toBe(true)
    expect(reply.lossName).toBe('mnist_loss')
    expect(reply.after.loss).toBeCloseTo(reply.sweep.loss[k], 5)
    expect(reply.after.accuracy).toBeCloseTo(reply.sweep.accuracy[k], 6)
    expect(reply.before.loss).toBeCloseTo(reply.sweep.loss[30], 5)
    expect(reply.after.loss).not.toBe(reply.before.loss)
    // the sweep's slope at 0 is autograd's ∂loss/∂w
    const step = reply.sweep.deltas[31] - reply.sweep.deltas[30]
    expect((reply.sweep.loss[31] - reply.sweep.loss[29]) / (2 * step)).toBeCloseTo(reply.gradient, 2)
    expect(reply.flatShare).toBeGreaterThan(0.5)
    expect(reply.sigmoid!.predictions.length).toBe(160)
    const wrongSide = reply.sigmoid!.predictions.filter((p) => (p.s > 0.5 ? 1 : 0) !== p.target).length / 160
    expect(wrongSide).toBeLessThan(0.1)
  })

  it('nudges any weight it is given, and refuses one that does not exist', async () => {
    const reply = await service.labNudge({ weight: { output: 0, pixel: 400 }, range: 1, delta: 0.5 })
    expect(reply.weight).toMatchObject({ output: 0, pixel: 400, name: '1.weight' })
    await expect(service.labNudge({ weight: { output: 1, pixel: 3 }, range: 1, delta: 0 })).rejects.toThrow(/1 outputs and 784 pixels/)
  })

  it('uses cross-entropy with one logit per class on more classes', async () => {
    const app = new DigitLabService({ version: 'test', emit: () => undefined })
    await app.openFolder(await threeClassFolder(), { validPercent: 30, seed: 1 })
    await trainLinear(app, 'one')
    const probe = await app.labNudge({ weight: null, range: 2, delta: 0 })
    const reply = await app.labNudge({ weight: null, range: 2, delta: probe.sweep.deltas[10] })
    expect(reply.lossName).toBe('cross-entropy')
    expect(reply.sigmoid).toBeNull()
    expect(reply.after.loss).toBeCloseTo(reply.sweep.loss[10], 5)
    expect(reply.after.accuracy).toBeCloseTo(reply.sweep.accuracy[10], 6)
    await app.close()
  }, 60_000)
})
