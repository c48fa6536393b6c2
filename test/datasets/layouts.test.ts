import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { DatasetError, importDataset, planImport } from '../../src/main/datasets'
import { naturalSort } from '../../src/main/datasets/natural'
import { tempFolderSync } from '../helpers/temp-folder'
import { grayInput, strokeImage, writeFiles } from './fixtures'

const folder = tempFolderSync('layouts')
let png: Buffer

/** `count` copies of a digit PNG in each named folder. */
function pngs(folders: Record<string, number>): Record<string, Buffer> {
  const files: Record<string, Buffer> = {}
  for (const [name, count] of Object.entries(folders)) for (let i = 0; i < count; i++) files[`${name}/${i}.png`] = png
  return files
}

async function make(name: string, files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = join(folder, name)
  mkdirSync(dir, { recursive: true })
  await writeFiles(dir, files)
  return dir
}

beforeAll(async () => {
  png = await grayInput(strokeImage(28, 28, true), 28, 28).png().toBuffer()
})

describe('layouts', () => {
  it("reads fast.ai's split folders: train/<label> with valid/<label>", async () => {
    const dir = await make('sample', { ...pngs({ 'train/3': 5, 'train/7': 4, 'valid/3': 2, 'valid/7': 3 }), 'labels.csv': 'name,label\n' })
    const result = await importDataset(dir)
    expect(result.plan.layout).toBe('split-folders')
    expect(result.plan.validation).toBe('folders')
    expect(result.dataset.labelNames).toEqual(['3', '7'])
    expect(result.counts).toEqual({ train: [5, 4], valid: [2, 3] })
    expect(result.sources.train.slice(0, 2)).toEqual(['train/3/0.png', 'train/3/1.png'])
    expect(Array.from(result.dataset.train.labels)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1])
    expect(result.skipped).toEqual([{ file: 'labels.csv', reason: 'not an image file (.csv)' }])
  })

  it("reads MNIST's training/ and testing/ folders, in any case", async () => {
    const dir = await make('mnist-like', pngs({ 'Training/0': 3, 'Training/1': 3, 'TESTING/0': 1, 'TESTING/1': 2 }))
    const plan = await planImport(dir)
    expect(plan.layout).toBe('split-folders')
    expect(plan.counts).toEqual({ train: [3, 3], valid: [1, 2] })
  })

  it('draws a seeded validation split when there is only a training folder', async () => {
    const dir = await make('train-only', pngs({ 'train/a': 10, 'train/b': 10 }))
    const result = await importDataset(dir, { validPercent: 30 })
    expect(result.plan.validation).toBe('seeded')
    expect(result.counts).toEqual({ train: [7, 7], valid: [3, 3] })
    expect(result.notes.join('\n')).toMatch(/no images in a validation folder/)
  })

  it('reads flat class folders and holds out 20% of each class by default', async () => {
    const dir = await make('classes', pngs({ cat: 10, dog: 15, '.hidden': 3 }))
    const result = await importDataset(dir)
    expect(result.plan.layout).toBe('class-folders')
    expect(result.dataset.labelNames).toEqual(['cat', 'dog'])
    expect(result.counts).toEqual({ train: [8, 12], valid: [2, 3] })
    expect(result.skipped).toContainEqual({ file: '.hidden/', reason: 'system or hidden folder, not read' })
  })

  it('sorts labels naturally: "2" before "10", and names that are not digits', () => {
    expect(naturalSort(['10', '2', '1', 'b', 'A', 'img10', 'img9', '007', '7'])).toEqual(['1', '2', '007', '7', '10', 'A', 'b', 'img9', 'img10'])
  })

  it('gives classes in natural order and images in natural file order', async () => {
    const files: Record<string, Buffer> = {}
    for (const label of ['10', '2', '1']) for (const name of ['img10.png', 'img9.png', 'img100.png']) files[`${label}/${name}`] = png
    const result = await importDataset(await make('natural', files), { validPercent: 1 })
    expect(result.dataset.labelNames).toEqual(['1', '2', '10'])
    expect(result.sources.train.slice(0, 2)).toEqual(['1/img9.png', '1/img10.png'])
  })

  it('looks inside a folder that only wraps the dataset (as unzipping leaves it)', async () => {
    const dir = await make('wrapped', pngs({ 'archive/mnist_png/training/3': 2, 'archive/mnist_png/training/7': 2, 'archive/mnist_png/testing/3': 1, 'archive/mnist_png/testing/7': 1 }))
    const result = await importDataset(dir)
    expect(result.plan.layout).toBe('split-folders')
    expect(result.plan.root).toBe(join(dir, 'archive', 'mnist_png'))
    expect(result.counts).toEqual({ train: [2, 2], valid: [1, 1] })
  })

  it('never follows a link to a folder, so a link to a parent cannot loop', async () => {
    const dir = await make('linked', pngs({ '3': 2, '7': 2 }))
    symlinkSync('..', join(dir, '3', 'parent'))
    symlinkSync(dir, join(dir, 'again'))
    const result = await importDataset(dir)
    expect(result.dataset.train.count + result.dataset.valid.count).toBe(4)
    expect(result.skipped).toContainEqual({ file: '3/parent', reason: 'link to a folder: not followed' })
    expect(result.skipped).toContainEqual({ file: 'again', reason: 'link to a folder: not followed' })
  })

  it('reads a link to an image file like the file', async () => {
    const dir = await make('file-links', pngs({ '3': 2, '7': 1 }))
    symlinkSync(join(dir, '7', '0.png'), join(dir, '7', 'linked.png'))
    const result = await importDataset(dir)
    expect([...result.sources.train, ...result.sources.valid]).toContain('7/linked.png')
  })
})

describe('refusals say what layout was expected', () => {
  const refusal = async (source: string): Promise<string> => {
    const error = await importDataset(source).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(DatasetError)
    return (error as Error).message
  }

  it('an empty folder', async () => {
    const message = await refusal(await make('empty', {}))
    expect(message).toMatch(/no digit images found .* it is empty/)
    expect(message).toMatch(/train\/<label>/)
    expect(message).toMatch(/<label>\//)
  })

  it('a folder with no images, only other files', async () => {
    expect(await refusal(await make('no-images', { 'a.txt': 'x', 'sub/b.doc': 'y', 'sub2/c.doc': 'z' }))).toMatch(/no images to import|no digit images found/)
  })

  it('a folder with only one class', async () => {
    const message = await refusal(await make('one-class', pngs({ '3': 4 })))
    expect(message).toMatch(/only one class \("3"\)/)
    expect(message).toMatch(/at least two folders holding images, like 3\/ and 7\//)
  })

  it('a folder whose only "image" is a text file is "no readable images", with why, not "one class"', async () => {
    const message = await refusal(await make('fake-only', { '7/fake.png': 'this is not a PNG', 'notes.txt': 'x' }))
    expect(message).toMatch(/^no readable images in .*fake-only.*: the one file named like an image could not be read\./)
    expect(message).toMatch(/\n {2}7\/fake\.png: not an image Digit Lab can read/)
    expect(message).not.toMatch(/one class/)
  })

    it('split folders with one label', async () => {
    expect(await refusal(await make('one-label-split', pngs({ 'train/3': 4, 'valid/3': 2 })))).toMatch(/only one class .* split folders train\/<label>/s)
  })

  it('images with no label folders', async () => {
    expect(await refusal(await make('loose', { 'a.png': png, 'b.png': png }))).toMatch(/holds images but no label folders/)
  })

  it('a path that does not exist, and a single image', async () => {
    expect(await refusal(join(folder, 'nowhere'))).toMatch(/cannot open .*no such file or folder.*mnist-sample/)
    const dir = await make('single', pngs({ '3': 1 }))
    expect(await refusal(join(dir, '3', '0.png'))).toMatch(/single image/)
  })

  it('a class whose every file is broken is left out, and fewer than two classes left is a refusal', async () => {
    const dir = await make('broken-class', { ...pngs({ '3': 2, '7': 2 }), '9/bad.png': 'not a png' })
    const result = await importDataset(dir)
    expect(result.dataset.labelNames).toEqual(['3', '7'])
    expect(result.notes).toContain('class "9" has no image that could be read: left out')
    writeFileSync(join(dir, '3', '0.png'), 'broken')
    writeFileSync(join(dir, '3', '1.png'), 'broken')
    expect(await refusal(dir)).toMatch(/only 1 class of .* had images that could be read/)
  })
})
