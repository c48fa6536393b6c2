import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { CORRECTIONS_FILE, correctionsSummary, type Correction } from '../../src/shared/corrections'
import { defaultTrainingConfig } from '../../src/shared/training'
import { importDataset, type ImportResult } from '../../src/main/datasets'
import { correctionsPlace, CorrectionsFileError, imageDigest, readCorrections, withCorrection, withoutCorrection, writeCorrections } from '../../src/main/datasets/corrections'
import { createLearner, fitFromConfig } from '../../src/main/engine/learner/recipe'
import { predictClasses } from '../../src/main/engine/learner/predictions'
import { tempFolder } from '../helpers/temp-folder'
import { plantedFolder, type PlantedFolder } from './planted'

const write = (root: string, corrections: readonly Correction[]) => writeCorrections({ path: join(root, CORRECTIONS_FILE), elsewhere: null }, corrections)
const labelOf = (result: ImportResult, file: string): string | null => {
  for (const split of ['train', 'valid'] as const) {
    const row = result.sources[split].indexOf(file)
    if (row >= 0) return result.dataset.labelNames[result.dataset[split].labels[row]]
  }
  return null
}

describe('corrections: relabel and leave out, kept beside the images', () => {
  let folder: PlantedFolder

  beforeAll(async () => {
    folder = await plantedFolder(40, 6)
  })

  it('are applied on import: relabelled images change class, left-out ones are gone, the file is not a skipped file', async () => {
    const before = await importDataset(folder.root)
    expect(labelOf(before, folder.planted[0])).toBe('7')
    expect(before.corrections).toMatchObject({ path: join(folder.root, CORRECTIONS_FILE), elsewhere: null, entries: [], relabelled: 0, leftOut: 0 })
    await write(folder.root, [
      ...folder.planted.slice(0, 5).map((file): Correction => ({ file, action: 'relabel', label: '3' })),
      { file: folder.planted[5], action: 'leave-out' },
      { file: '7/seven-0.png', action: 'leave-out' },
    ])
    const after = await importDataset(folder.root)
    for (const file of folder.planted.slice(0, 5)) expect(labelOf(after, file)).toBe('3')
    expect(labelOf(after, folder.planted[5])).toBeNull()
    expect(labelOf(after, '7/seven-0.png')).toBeNull()
    expect(after.dataset.train.count + after.dataset.valid.count).toBe(before.dataset.train.count + before.dataset.valid.count - 2)
    const total = (result: ImportResult, c: number) => result.counts.train[c] + result.counts.valid[c]
    expect([total(after, 0), total(after, 1)]).toEqual([total(before, 0) + 5, total(before, 1) - 7])
    expect(after.corrections).toMatchObject({ relabelled: 5, leftOut: 2, unmatched: [] })
    expect(correctionsSummary(after.corrections!)).toBe('5 relabelled, 2 left out')
    expect(after.skipped).toEqual([])
    // The images themselves are where they were, untouched.
    expect((await readdir(join(folder.root, '7'))).length).toBe(46)
  })

  it('keeps corrections naming no image or no class, reported and not applied', async () => {
    const root = (await plantedFolder(6, 1)).root
    await write(root, [{ file: '3/gone.png', action: 'leave-out' }, { file: '3/three-1.png', action: 'relabel', label: '9' }])
    const result = await importDataset(root)
    expect(result.corrections!.unmatched).toEqual(['3/gone.png: no such image in this dataset', '3/three-1.png: this dataset has no class “9”'])
    expect(labelOf(result, '3/three-1.png')).toBe('3')
  })

  it('undo takes one correction back; a new correction of a file replaces its last', () => {
    const a: Correction = { file: 'a.png', action: 'leave-out' }
    const b: Correction = { file: 'b.png', action: 'relabel', label: '3' }
    expect(withCorrection([a, b], { file: 'a.png', action: 'relabel', label: '7' })).toEqual([b, { file: 'a.png', action: 'relabel', label: '7' }])
    expect(withoutCorrection([a, b], 'a.png')).toEqual([b])
    expect(() => withoutCorrection([b], 'a.png')).toThrow('a.png has no correction to undo')
  })

  it('a file that is not a corrections file is refused by name, with what to do', async () => {
    const root = (await plantedFolder(4, 0)).root
    await writeFile(join(root, CORRECTIONS_FILE), '{"format": "digit-lab-corrections", "version": 1, "corrections": [{"file": "x.png", "action": "burn"}]}')
    await expect(importDataset(root)).rejects.toThrow(CorrectionsFileError)
    await expect(importDataset(root)).rejects.toThrow(`${join(root, CORRECTIONS_FILE)} is not a corrections file Digit Lab can read`)
    await writeFile(join(root, CORRECTIONS_FILE), 'not json')
    await expect(importDataset(root)).rejects.toThrow('fix it or move it away')
  })
})

describe('corrections: where they are kept when not beside the images', () => {
  it('built-ins, read-only folders and uploaded copies keep theirs in the data folder', async () => {
    const data = await tempFolder('data')
    const builtin = await correctionsPlace({ layout: 'builtin', source: 'mnist', root: 'mnist' }, { dataFolder: data })
    expect(builtin).toEqual({ path: join(data, 'corrections', 'builtin-mnist.json'), elsewhere: 'a built-in dataset has no folder of its own', fallback: null })
    expect(await correctionsPlace({ layout: 'builtin', source: 'mnist', root: 'mnist' })).toBeNull()
    const root = (await plantedFolder(2, 0)).root
    const readOnly = await correctionsPlace({ layout: 'class-folders', source: root, root }, { dataFolder: data, canWrite: async () => false })
    expect(readOnly!.path).toMatch(new RegExp(`^${data}/corrections/digit-lab-planted-[^/]+-[0-9a-f]{12}\\.json$`))
    expect(readOnly!.elsewhere).toBe('the folder of the images is read-only')
    const copy = await correctionsPlace({ layout: 'class-folders', source: root, root }, { dataFolder: data, isCopy: () => true })
    expect(copy!.path.startsWith(join(data, 'corrections', 'uploaded-digit-lab-planted-'))).toBe(true)
    // Written there (its folder made), read back on the next import of the same copy.
    await writeCorrections(copy!, [{ file: '3/three-0.png', action: 'relabel', label: '7' }])
    const again = await importDataset(root, { corrections: { dataFolder: data, isCopy: () => true } })
    expect(labelOf(again, '3/three-0.png')).toBe('7')
    expect(JSON.parse(await readFile(copy!.path, 'utf8'))).toEqual({ format: 'digit-lab-corrections', version: 1, corrections: [{ file: '3/three-0.png', action: 'relabel', label: '7' }] })
  })

  it('a correction that names its image by SHA-256 applies to those bytes only: not to another image under the same name', async () => {
    // An uploaded copy's corrections are kept by the folder's name: another folder of that name may hold other images.
    const data = await tempFolder('data')
    const root = (await plantedFolder(4, 0)).root
    const options = { corrections: { dataFolder: data, isCopy: () => true } }
    const place = (await correctionsPlace({ layout: 'class-folders', source: root, root }, options.corrections))!
    const sha256 = (await imageDigest({ root }, '3/three-0.png'))!
    expect(sha256).toMatch(/^[0-9a-f]{64}$/)
    await writeCorrections(place, [{ file: '3/three-0.png', action: 'relabel', label: '7', sha256 }])
    expect(labelOf(await importDataset(root, options), '3/three-0.png')).toBe('7')
    // The same name, other bytes: the correction is kept, listed, and not applied.
    await writeFile(join(root, '3', 'three-0.png'), await readFile(join(root, '3', 'three-1.png')))
    const other = await importDataset(root, options)
    expect(labelOf(other, '3/three-0.png')).toBe('3')
    expect(other.corrections!.unmatched).toEqual(['3/three-0.png: not the image that was corrected (its bytes differ)'])
    expect(other.corrections!.entries).toEqual([{ file: '3/three-0.png', action: 'relabel', label: '7', sha256 }])
  })

  it('a read-only folder that ships a corrections file is read until Digit Lab keeps its own', async () => {
    const data = await tempFolder('data')
    const root = (await plantedFolder(3, 0)).root
    await write(root, [{ file: '3/three-2.png', action: 'leave-out' }])
    const options = { dataFolder: data, canWrite: async () => false }
    const place = (await correctionsPlace({ layout: 'class-folders', source: root, root }, options))!
    expect(place.fallback).toBe(join(root, CORRECTIONS_FILE))
    expect(await readCorrections(place)).toEqual([{ file: '3/three-2.png', action: 'leave-out' }])
    await writeCorrections(place, [])
    expect(await readCorrections(place)).toEqual([])
  })
})

describe('corrections make a better model', () => {
  it('trained with the corrections, accuracy on the corrected validation set rises', async () => {
    const folder = await plantedFolder(150, 60)
    const noisy = await importDataset(folder.root)
    await write(folder.root, folder.planted.map((file): Correction => ({ file, action: 'relabel', label: '3' })))
    const clean = await importDataset(folder.root)
    expect(clean.corrections!.relabelled).toBe(60)
    const config = { ...defaultTrainingConfig('linear', 2), epochs: 10, batchSize: 16 }
    const judged = createLearner(clean.dataset, config)
    const accuracyOn = async (trainedOn: ImportResult): Promise<number> => {
      const learner = createLearner(trainedOn.dataset, config)
      await fitFromConfig(learner, config)
      const predicted = predictClasses(learner.model, judged.dls.valid)
      return predicted.filter((p, i) => p === clean.dataset.valid.labels[i]).length / predicted.length
    }
    const [before, after] = [await accuracyOn(noisy), await accuracyOn(clean)]
    console.log(`planted 60 of 150 3s as 7s: accuracy on the corrected validation set ${before.toFixed(4)} trained without the corrections, ${after.toFixed(4)} with`)
    expect(after).toBeGreaterThan(before + 0.1)
    expect(after).toBeGreaterThan(0.9)
    // Removing the file brings the folder back as it is on disk.
    await rm(join(folder.root, CORRECTIONS_FILE))
    expect(labelOf(await importDataset(folder.root), folder.planted[0])).toBe('7')
  }, 60_000)
})
