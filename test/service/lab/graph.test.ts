import { beforeAll, describe, expect, it } from 'vitest'
import { sigmoidValue } from '../../../src/main/engine'
import { DigitLabService } from '../../../src/main/service/digit-lab-service'
import { GRADIENT_AGREEMENT } from '../../../src/shared/lab-model-replies'
import { floats, labService, threeClassFolder } from './lab-fixture'

describe('Lab panel 8: the autograd graph of one prediction', () => {
  let service: DigitLabService
  beforeAll(async () => void ({ service } = await labService()))

  it("walks the linear model's graph from the loss: the chapter's ops, the parameters, ∂loss/∂w = x·∂loss/∂z", async () => {
    const reply = await service.labGraph({ model: 'linear', image: { split: 'valid', index: 3 }, check: false })
    expect(reply.nodes.filter((n) => n.kind === 'op').map((n) => n.name)).toEqual(['Reshape', 'Gemm', 'Sigmoid', 'Neg', 'Add', 'Where', 'ReduceMean'])
    expect(reply.nodes.filter((n) => n.kind === 'parameter').map((n) => [n.name, n.value.shape])).toEqual([['1.weight', [1, 784]], ['1.bias', [1]]])
    const z = reply.nodes.find((n) => n.name === 'Gemm')!
    expect(z.inputs.map((id) => reply.nodes[id].name)).toEqual(['Reshape', '1.weight', '1.bias'])
    // a 3 (target 1): loss = 1 − σ(z), so ∂loss/∂z = −σ(z)(1 − σ(z)), and ∂loss/∂w_j = x_j · ∂loss/∂z
    const s = sigmoidValue(z.value.values[0])
    expect(z.grad!.values[0]).toBeCloseTo(-s * (1 - s), 6)
    expect(reply.loss).toBeCloseTo(1 - s, 6)
    const x = floats(reply.image.pixels)
    const weight = reply.nodes.find((n) => n.name === '1.weight')!
    weight.grad!.image!.forEach((g, j) => expect(g).toBeCloseTo(x[j] * z.grad!.values[0], 6))
    expect(reply.nodes.at(-1)!.grad!.values).toEqual([1])
  })

  it('Check gradients: every node against central differences of the loss, within a few percent', async () => {
    for (const model of ['linear', 'simple_net'] as const) {
      const reply = await service.labGraph({ model, image: { split: 'valid', index: 1500 }, check: true })
      expect(reply.check!.compared).toBeGreaterThan(15)
      expect(reply.check!.worst).toBeLessThan(GRADIENT_AGREEMENT)
      const checked = reply.nodes.filter((n) => n.check)
      expect(checked.length).toBe(reply.nodes.filter((n) => n.kind !== 'constant').length)
      for (const node of checked) for (const e of node.check!.elements) if (e.relativeError !== null) expect(e.relativeError).toBeLessThanOrEqual(reply.check!.worst)
    }
  })

  it('draws softmax and cross-entropy for more than two classes', async () => {
    const app = new DigitLabService({ version: 'test', emit: () => undefined })
    await app.openFolder(await threeClassFolder(), { validPercent: 30, seed: 1 })
    const reply = await app.labGraph({ model: 'simple_net', image: { split: 'train', index: 0 }, check: true })
    expect(reply.nodes.filter((n) => n.kind === 'op').map((n) => n.name)).toEqual(['Reshape', 'Gemm', 'Relu', 'Gemm', 'LogSoftmax', 'NegativeLogLikelihoodLoss'])
    expect(reply.model.architecture).toBe('Linear 784 → 30, ReLU, Linear 30 → 3, softmax and cross-entropy')
    expect(reply.check!.worst).toBeLessThan(GRADIENT_AGREEMENT)
  })
})

describe('Check gradients where the loss is all but zero', () => {
  it('does not fail a saturated sigmoid: slopes below what 1 − σ(z) in float32 resolves are shown, not compared', async () => {
    const { service } = await labService()
    // valid[0] is a 3 the trained linear model is sure of: σ(z) rounds to within a few ulps of 1, the loss to ~1e-7.
    const reply = await service.labGraph({ model: 'linear', image: { split: 'valid', index: 0 }, check: true })
    expect(reply.loss).toBeLessThan(1e-4)
    expect(reply.check!.worst).toBeLessThan(GRADIENT_AGREEMENT)
    expect(reply.check!.resolution).toBeGreaterThan(1e-4)
    expect(reply.check!.skipped).toBeGreaterThan(0)
  })
})
