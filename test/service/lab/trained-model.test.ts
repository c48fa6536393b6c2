import { describe, expect, it } from 'vitest'
import { DigitLabService } from '../../../src/main/service/digit-lab-service'
import type { LadderView } from '../../../src/shared/lab'
import { GRADIENT_AGREEMENT } from '../../../src/shared/lab-model-replies'
import { defaultTrainingConfig, type TrainingConfig } from '../../../src/shared/training'
import { join } from 'node:path'
import { tempFolder } from '../../helpers/temp-folder'
import { threeClassFolder } from './lab-fixture'

describe('Learned and Graph look inside the model the Train view just trained', () => {
  it('a CNN: its first-layer filters as 3×3 images, its output layer per class, and its ops in the graph, checked', async () => {
    const ladders: LadderView[] = []
    const service = new DigitLabService({ version: 'test', emit: (event) => event.kind === 'lab' && event.event.kind === 'ladder' && ladders.push(event.event.ladder) })
    await service.openFolder(await threeClassFolder(12), { validPercent: 25, seed: 1 })
    await expect(service.labWeights({ model: 'trained' })).rejects.toThrow(/no model has been trained in the Train view on this dataset yet/)
    const config: TrainingConfig = { ...defaultTrainingConfig('cnn', 3), epochs: 1, seed: 5 }
    await service.startTraining(config)
    await expect.poll(() => ladders.at(-1)?.trained?.run, { timeout: 60_000 }).toBe(1)
    expect(ladders.at(-1)!.trained!.model).toMatchObject({ kind: 'trained', trained: true, loss: 'ce' })
    expect(ladders.at(-1)!.trained!.model.architecture).toMatch(/^CNN: 4 × \(Conv 3×3 stride 2, BatchNorm, ReLU\) 16-32-64-128, average pool, Linear 128 → 3/)

    const weights = await service.labWeights({ model: 'trained' })
    const model = service.lastRunOutcome!.state!
    expect(weights.name).toBe('0.weight')
    expect(weights.width).toBe(3)
    expect(weights.images).toHaveLength(16)
    expect(weights.images[5].values).toEqual(Array.from(model['0.weight'].subarray(45, 54)))
    expect(weights.images[0]).toMatchObject({ bias: null, change: null, vote: null })
    expect(weights.output).toMatchObject({ name: '14.weight', titles: ['0', '1', '2'], features: 128 })
    expect(weights.output!.values).toEqual(Array.from(model['14.weight']))

    const graph = await service.labGraph({ model: 'trained', image: { split: 'train', index: 2 }, check: true })
    const ops = graph.nodes.filter((n) => n.kind === 'op').map((n) => n.name)
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(4)
    expect(ops.filter((op) => op === 'BatchNormalization')).toHaveLength(4)
    expect(ops.filter((op) => op === 'Relu')).toHaveLength(4)
    expect(ops.slice(-5)).toEqual(['GlobalAveragePool', 'Reshape', 'Gemm', 'LogSoftmax', 'NegativeLogLikelihoodLoss'])
    const norm = graph.nodes.find((n) => n.name === 'BatchNormalization')!
    expect(norm.inputs.map((id) => graph.nodes[id].name)).toEqual(['Conv', '1.weight', '1.bias'])
    expect(graph.nodes[norm.inputs[0]].value.shape).toEqual([1, 16, 14, 14])
    expect(graph.check!.compared).toBeGreaterThan(40)
    expect(graph.check!.skipped).toBeLessThan(graph.check!.compared)
    expect(graph.check!.worst).toBeLessThan(GRADIENT_AGREEMENT)

    const saliency = await service.labSaliency({ model: 'trained', image: { split: 'valid', index: 0 } })
    expect(saliency.model.kind).toBe('trained')
    expect(saliency.saliency).toHaveLength(784)
    await service.close()
  }, 120_000)

  it("a project opened from a file: Learned and Graph open on its model, named by the project; the ladder's rows stay", async () => {
    const folder = await threeClassFolder(12)
    const config: TrainingConfig = { ...defaultTrainingConfig('simple_net', 3), epochs: 1, seed: 5 }
    const first = new DigitLabService({ version: 'test', emit: () => {} })
    await first.openFolder(folder, { validPercent: 25, seed: 1 })
    await first.startTraining(config)
    await expect.poll(() => first.lastRunOutcome?.status, { timeout: 60_000 }).toBe('completed')
    const path = join(await tempFolder('lab-project'), 'shapes.digitlab')
    await first.saveProject({ path })
    await first.close()

    const ladders: LadderView[] = []
    const second = new DigitLabService({ version: 'test', emit: (event) => event.kind === 'lab' && event.event.kind === 'ladder' && ladders.push(event.event.ladder) })
    await second.openProject(path)
    await expect.poll(() => ladders.at(-1)?.trained?.model.history, { timeout: 60_000 }).toMatch(/^the project shapes\.digitlab: 1 epoch/)
    expect(ladders.at(-1)!.rows.every((row) => row.status !== 'done' || row.kind === 'pixel')).toBe(true)
    const weights = await second.labWeights({ model: 'trained' })
    expect(weights.name).toBe('1.weight')
    expect(weights.images[0].values).toEqual(Array.from(first.lastRunOutcome!.state!['1.weight'].subarray(0, 784)))
    await second.close()
  }, 120_000)
})
