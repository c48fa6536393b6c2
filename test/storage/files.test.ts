import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { removeStaleTemporaries, writeFileAtomic } from '../../src/main/storage/atomic-write'
import { loadModel } from '../../src/main/storage/model-file'
import { tempFolder } from '../helpers/temp-folder'

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temporary file', async () => {
    const folder = await tempFolder('atomic')
    const path = join(folder, 'model.json')
    await writeFileAtomic(path, 'old')
    await writeFileAtomic(path, 'new')
    expect(await readFile(path, 'utf8')).toBe('new')
    expect(await readdir(folder)).toEqual(['model.json'])
  })

  it('leaves the existing file untouched and cleans up when the write fails', async () => {
    const folder = await tempFolder('atomic')
    const path = join(folder, 'model.json')
    await writeFile(path, 'precious')
    await mkdir(join(folder, 'target-is-a-folder'))
    await expect(writeFileAtomic(join(folder, 'target-is-a-folder'), 'x')).rejects.toThrow()
    expect(await readFile(path, 'utf8')).toBe('precious')
    expect((await readdir(folder)).sort()).toEqual(['model.json', 'target-is-a-folder'])
  })
})

describe('removeStaleTemporaries', () => {
  it('removes the hidden temporaries an interrupted write of that file left, and nothing else', async () => {
    const folder = await tempFolder('stale')
    const keep = ['run.digitlab', '.other.digitlab.0123456789ab.tmp', '.run.digitlab.tmp', '.run.digitlab.0123456789ab.tmp.bak', 'run.digitlab.0123456789ab.tmp', '.run.digitlab.0123456789AB.tmp']
    const stale = ['.run.digitlab.0123456789ab.tmp', '.run.digitlab.ffffffffffff.tmp']
    for (const name of [...keep, ...stale]) await writeFile(join(folder, name), 'x')
    expect((await removeStaleTemporaries(join(folder, 'run.digitlab'))).sort()).toEqual(stale)
    expect((await readdir(folder)).sort()).toEqual([...keep].sort())
    expect(await removeStaleTemporaries(join(folder, 'missing-folder', 'run.digitlab'))).toEqual([])
  })
})

describe('loadModel', () => {
  it('refuses files that are not models, and models from a newer version, with a reason', async () => {
    const folder = await tempFolder('model')
    const notJson = join(folder, 'a.json')
    const other = join(folder, 'b.json')
    const newer = join(folder, 'c.json')
    await writeFile(notJson, '{ trunc')
    await writeFile(other, '{"hello": 1}')
    await writeFile(newer, '{"format": "digit-lab-model", "version": 2}')
    await expect(loadModel(notJson)).rejects.toThrow(/is not a Digit Lab model file/)
    await expect(loadModel(other)).rejects.toThrow(/is not a Digit Lab model file/)
    await expect(loadModel(newer)).rejects.toThrow(/newer Digit Lab \(model format 2\); update Digit Lab/)
  })
})
