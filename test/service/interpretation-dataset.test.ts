import { describe, expect, it } from 'vitest'
import { defaultTrainingConfig } from '../../src/shared/training'
import { digitFolder, eventually, finished, service } from './service-helpers'

/** Where the model is wrong belongs to the dataset it was trained on, and outlives a page (not a dataset). */
describe('the interpretation and its dataset', () => {
  it('is kept for the page that asks again, let go when another dataset opens, and its positions never meet other images', async () => {
    const { service: app, events } = service()
    const folder = await digitFolder()
    const first = await app.openFolder(folder, {})
    await app.startTraining({ ...defaultTrainingConfig('linear', 2), epochs: 1 })
    await eventually(events, finished)
    const view = await app.interpretation()
    expect(view!.confusion.flat().reduce((a, b) => a + b)).toBe(first.images.valid)
    expect(await app.interpretation(), 'a reloaded page finds it again').toEqual(view)
    const shown = await app.imagesAt({ split: 'valid', indices: [0, 1], dataset: first.id })
    expect(shown.map((image) => image.index)).toEqual([0, 1])

    // The same folder opened again is another opening: the old positions are refused, never answered from it.
    const second = await app.openFolder(folder, { seed: 7 })
    expect(second.id).not.toBe(first.id)
    expect(await app.interpretation()).toBeNull()
    await expect(app.imagesAt({ split: 'valid', indices: [0, 1], dataset: first.id })).rejects.toThrow(/belong to a dataset that is no longer open/)
    expect(await app.imagesAt({ split: 'valid', indices: [0], dataset: second.id })).toHaveLength(1)
    await app.close()
  })
})
