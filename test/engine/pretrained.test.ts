import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadBuiltinDataset } from '../../src/main/datasets/builtin'
import { PRETRAIN_RECIPES, stateWithShapes, trainRecipe } from '../../src/main/engine/pretrained/recipe'
import { encodeWeights, loadStartingPoint, pretrainedFolder, sha256 } from '../../src/main/engine/pretrained/starting-points'
import { tempFolder } from '../helpers/temp-folder'

describe('the MNIST CNN starting point', () => {
  const { manifest, state } = loadStartingPoint('mnist-cnn')

  it('ships weights whose SHA-256 is the one its manifest records, made by the committed recipe', async () => {
    const bytes = await readFile(join(pretrainedFolder(), manifest.weights.file))
    expect(sha256(bytes)).toBe(manifest.weights.sha256)
    expect(manifest.recipe.config).toEqual(PRETRAIN_RECIPES['mnist-cnn'].config)
    expect(manifest.prefix.batches).toBe(PRETRAIN_RECIPES['mnist-cnn'].prefixBatches)
    expect(manifest.labelNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(manifest.accuracy).toMatchObject({ images: 10_000 })
    expect(manifest.accuracy.accuracy).toBeGreaterThan(0.985)
    expect(Object.values(state).reduce((n, t) => n + t.length, 0)).toBeGreaterThan(manifest.weights.parameters)
  })

  // NOTE: the whole recipe takes minutes (3 epochs of 60,000 images); its first batches take seconds and already
  // pin the data order, augmentation, initialisation, optimizer and kernels: a change to any of them, or to
  // the recipe alone, makes other bits. `npm run make-starting-point` makes the weights and both checksums together.
  it('is reproduced bit for bit by retraining the first batches of its recipe', async () => {
    const recipe = PRETRAIN_RECIPES['mnist-cnn']
    let prefix = ''
    await trainRecipe(recipe, loadBuiltinDataset('mnist'), {
      stopAfterBatches: recipe.prefixBatches,
      onPrefix: (learner) => {
        const { state: weights, shapes } = stateWithShapes(learner)
        prefix = sha256(encodeWeights(weights, shapes))
      },
    })
    expect(prefix).toBe(manifest.prefix.sha256)
  }, 120_000)

  it('is refused, saying what to do, when its weights file was changed', async () => {
    const folder = await tempFolder('starting-point')
    await copyFile(join(pretrainedFolder(), 'mnist-cnn.json'), join(folder, 'mnist-cnn.json'))
    const bytes = await readFile(join(pretrainedFolder(), 'mnist-cnn.safetensors'))
    bytes[bytes.length - 1] ^= 1
    await writeFile(join(folder, 'mnist-cnn.safetensors'), bytes)
    expect(() => loadStartingPoint('mnist-cnn', folder)).toThrow(/is damaged: mnist-cnn.safetensors does not match the SHA-256 in mnist-cnn.json; run `npm run make-starting-point`/)
  })
})
