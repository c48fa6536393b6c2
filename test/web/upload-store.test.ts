import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UploadError, UploadStore, uploadPathParts } from '../../src/main/web/upload-store'
import type { UploadKind } from '../../src/shared/browser-protocol'
import { tempFolder } from '../helpers/temp-folder'

const LIMITS = { files: 5, fileBytes: 100, totalBytes: 300 }
const body = (text: string): Readable => Readable.from([Buffer.from(text)])

/** The upload store on its own: what a page may write into its temporary folder, and what it may not. */
describe('folder uploads (browser mode)', () => {
  let parent: string
  let store: UploadStore

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'digit-lab-upload-test-'))
    store = new UploadStore(LIMITS, parent)
  })

  afterEach(async () => {
    await store.close()
    await rm(parent, { recursive: true, force: true })
  })

  /** The one upload folder under `parent`. */
  const uploadRoot = async (): Promise<string> => {
    const [only, ...more] = await readdir(parent)
    expect(more).toEqual([])
    return join(parent, only)
  }

  it('writes files at their relative paths into a fresh private folder, and answers the folder to import', async () => {
    const id = await store.begin({ files: 3, bytes: 9 })
    await store.write(id, 'digits/3/a.png', 3, body('aaa'))
    await store.write(id, 'digits/7/b.png', 3, body('bbb'))
    await store.write(id, 'digits/7/deeper/c.png', 3, body('ccc'))
    const root = await uploadRoot()
    expect((await lstat(root)).mode & 0o777).toBe(0o700)
    expect(await store.finish(id)).toBe(join(root, 'digits'))
    expect(await readFile(join(root, 'digits/7/deeper/c.png'), 'utf8')).toBe('ccc')
    await expect(store.write(id, 'digits/late.png', 1, body('x'))).rejects.toThrow(/finished/)
  })

  it('answers the upload folder itself when several items were dropped', async () => {
    const id = await store.begin({ files: 2, bytes: 2 })
    await store.write(id, 'one.csv', 1, body('1'))
    await store.write(id, 'two/x.png', 1, body('2'))
    expect(await store.finish(id)).toBe(await uploadRoot())
  })

  it.each([
    ['../escape.png', /climb out/],
    ['digits/../../escape.png', /climb out/],
    ['/etc/passwd', /absolute path/],
    ['C:/Windows/x.png', /absolute path/],
    ['digits\\..\\escape.png', /backslash/],
    ['digits//x.png', /empty or "\." parts/],
    ['./x.png', /empty or "\." parts/],
    ['digits/', /empty or "\." parts/],
    ['', /without a path/],
    ['a\0b.png', /NUL/],
    [`${'n'.repeat(256)}.png`, /over 255 bytes/],
    [Array(40).fill('d').join('/'), /nested over 32/],
  ])('refuses the path %j, saying why, and writes nothing', async (path, reason) => {
    expect(() => uploadPathParts(path)).toThrow(reason)
    const id = await store.begin({ files: 1, bytes: 1 })
    await expect(store.write(id, path, 1, body('x'))).rejects.toThrow(reason)
    expect(await readdir(await uploadRoot())).toEqual([])
    expect(await readdir(parent)).toHaveLength(1)
  })

  it('never writes through a symbolic link, whether a folder or the file itself', async () => {
    const outside = await tempFolder('upload-outside')
    await writeFile(join(outside, 'victim.png'), 'untouched')
    const id = await store.begin({ files: 3, bytes: 3 })
    const root = await uploadRoot()
    await symlink(outside, join(root, 'linked-folder'))
    await symlink(join(outside, 'victim.png'), join(root, 'linked-file.png'))
    await expect(store.write(id, 'linked-folder/victim.png', 1, body('x'))).rejects.toThrow(/symbolic link/)
    await expect(store.write(id, 'linked-folder/new.png', 1, body('x'))).rejects.toThrow(/symbolic link/)
    await expect(store.write(id, 'linked-file.png', 1, body('x'))).rejects.toThrow(/symbolic link|uploaded twice/)
    expect(await readdir(outside)).toEqual(['victim.png'])
    expect(await readFile(join(outside, 'victim.png'), 'utf8')).toBe('untouched')
  })

  it('refuses more files or bytes than the limits, or than announced, with the numbers', async () => {
    await expect(store.begin({ files: 6, bytes: 10 })).rejects.toThrow(/holds 6 files; an upload takes at most 5/)
    await expect(store.begin({ files: 0, bytes: 0 })).rejects.toThrow(/no files/)
    await expect(store.begin({ files: 1, bytes: 2 ** 40 })).rejects.toThrow(/an upload takes at most/)
    await expect(store.begin({ files: Number.NaN, bytes: 1 })).rejects.toThrow(UploadError)
    const id = await store.begin({ files: 2, bytes: 250 })
    await expect(store.write(id, 'big.png', 101, body('x'.repeat(101)))).rejects.toThrow(/a file may be at most/)
    await store.write(id, 'a.png', 100, body('x'.repeat(100)))
    await expect(store.finish(id)).rejects.toThrow(/only 1 of the 2 announced files arrived/)
    await store.write(id, 'b.png', 100, body('x'.repeat(100)))
    await expect(store.write(id, 'c.png', 1, body('x'))).rejects.toThrow(/more files arrived than the 2 announced/)
  })

  it('refuses a body longer or shorter than its announced size, and keeps no partial file', async () => {
    const id = await store.begin({ files: 3, bytes: 30 })
    await expect(store.write(id, 'long.png', 3, body('xxxxx'))).rejects.toThrow(/more bytes arrived than announced/)
    await expect(store.write(id, 'short.png', 5, body('xx'))).rejects.toThrow(/ended after 2 of 5 bytes/)
    expect(await readdir(await uploadRoot())).toEqual([])
    await store.write(id, 'fine.png', 2, body('ok'))
  })

  it('refuses the same path twice, and a file where a folder is', async () => {
    const id = await store.begin({ files: 4, bytes: 4 })
    await store.write(id, 'a/x.png', 1, body('1'))
    await expect(store.write(id, 'a/x.png', 1, body('2'))).rejects.toThrow(/uploaded twice/)
    await expect(store.write(id, 'a/x.png/y.png', 1, body('3'))).rejects.toThrow(/is a file, not a folder|uploaded twice/)
    expect(await readFile(join(await uploadRoot(), 'a/x.png'), 'utf8')).toBe('1')
  })

  it('is finished only once no file is still arriving', async () => {
    const id = await store.begin({ files: 1, bytes: 2 })
    const body = new PassThrough()
    const writing = store.write(id, 'a.png', 2, body)
    body.write('x')
    await expect(store.finish(id)).rejects.toThrow(/only 0 of the 1 announced files arrived/)
    body.end('y')
    await writing
    expect(await store.finish(id)).toBe(join(await uploadRoot(), 'a.png'))
  })

  it('leaves one folder when two uploads begin at once', async () => {
    await Promise.all([store.begin({ files: 1, bytes: 1 }), store.begin({ files: 1, bytes: 1 })])
    expect(await readdir(parent)).toHaveLength(1)
  })

  it('removes the last upload when a new one starts, and on close; an old id is refused', async () => {
    const first = await store.begin({ files: 1, bytes: 1 })
    const firstRoot = await uploadRoot()
    await mkdir(join(firstRoot, 'kept'))
    const second = await store.begin({ files: 1, bytes: 1 })
    expect(await readdir(parent)).toHaveLength(1)
    expect(await uploadRoot()).not.toBe(firstRoot)
    await expect(store.write(first, 'x.png', 1, body('x'))).rejects.toThrow(/another one replaced it/)
    await store.write(second, 'x.png', 1, body('x'))
    await store.close()
    expect(await readdir(parent)).toEqual([])
  })

  /** A project file uploaded while a dataset's folder is in use: the store keeps the latest of each kind. */
  describe('project uploads beside folder uploads', () => {
    /** Upload `files` (path → text) as one upload of `kind`; the path to open. */
    const upload = async (kind: UploadKind, files: Record<string, string>): Promise<string> => {
      const entries = Object.entries(files)
      const id = await store.begin({ kind, files: entries.length, bytes: entries.reduce((sum, [, text]) => sum + text.length, 0) })
      for (const [path, text] of entries) await store.write(id, path, text.length, body(text))
      return store.finish(id)
    }

    it('keeps the folder in use when a project is uploaded, and the project when a folder is; each replaces only its own kind', async () => {
      const folder = await upload('folder', { 'digits/3/a.png': 'aaa' })
      const project = await upload('project', { 'run.digitlab': 'DLAB' })
      expect(project.endsWith('/run.digitlab')).toBe(true)
      expect(await readFile(join(folder, '3/a.png'), 'utf8')).toBe('aaa')

      const nextFolder = await upload('folder', { 'more/7/b.png': 'bb' })
      expect(await readFile(project, 'utf8')).toBe('DLAB')
      await expect(readdir(folder)).rejects.toThrow(/ENOENT/)
      const nextProject = await upload('project', { 'again.digitlab': 'DL' })
      await expect(readFile(project)).rejects.toThrow(/ENOENT/)
      expect(await readdir(nextFolder)).toEqual(['7'])
      expect(await readdir(parent)).toHaveLength(2)

      await store.close()
      expect(await readdir(parent)).toEqual([])
      await expect(readFile(nextProject)).rejects.toThrow(/ENOENT/)
    })

    it('refuses a project upload of several files, a file in a folder or of another kind, and an unknown kind', async () => {
      await expect(store.begin({ kind: 'project', files: 2, bytes: 2 })).rejects.toThrow(/a project is one \.digitlab file, not 2/)
      await expect(store.begin({ kind: 'project', files: 0, bytes: 0 })).rejects.toThrow(/a project is one \.digitlab file, not 0/)
      await expect(store.begin({ kind: 'project', files: 1, bytes: 301 })).rejects.toThrow(/the project holds 301 bytes; an upload takes at most 300 bytes/)
      await expect(store.begin({ kind: 'script' as 'project', files: 1, bytes: 1 })).rejects.toThrow(/a folder, a project or a model, not "script"/)
      const id = await store.begin({ kind: 'project', files: 1, bytes: 4 })
      await expect(store.write(id, 'notes.txt', 4, body('DLAB'))).rejects.toThrow(/notes\.txt: a project upload is one \.digitlab file/)
      await expect(store.write(id, 'runs/run.digitlab', 4, body('DLAB'))).rejects.toThrow(/a project upload is one \.digitlab file/)
      await expect(store.write(id, '../run.digitlab', 4, body('DLAB'))).rejects.toThrow(/climb out/)
      await store.write(id, 'run.digitlab', 4, body('DLAB'))
      expect(await store.finish(id)).toMatch(/digit-lab-upload-[^/]+\/run\.digitlab$/)
    })

    it('keeps a model file beside the folder and the project; a model upload is one .onnx file at the top, within the limits', async () => {
      const folder = await upload('folder', { 'digits/3/a.png': 'aaa' })
      const project = await upload('project', { 'run.digitlab': 'DLAB' })
      const model = await upload('model', { 'digits.onnx': 'ONNX' })
      expect(model).toMatch(/digit-lab-upload-[^/]+\/digits\.onnx$/)
      expect(await readFile(model, 'utf8')).toBe('ONNX')
      const next = await upload('model', { 'other.onnx': 'ON' })
      await expect(readFile(model)).rejects.toThrow(/ENOENT/)
      expect(await readFile(next, 'utf8')).toBe('ON')
      expect(await readFile(project, 'utf8')).toBe('DLAB')
      expect(await readFile(join(folder, '3/a.png'), 'utf8')).toBe('aaa')
      expect(await readdir(parent)).toHaveLength(3)

      await expect(store.begin({ kind: 'model', files: 2, bytes: 2 })).rejects.toThrow(/a model is one \.onnx file, not 2/)
      await expect(store.begin({ kind: 'model', files: 1, bytes: 301 })).rejects.toThrow(/the model holds 301 bytes; an upload takes at most 300 bytes/)
      const id = await store.begin({ kind: 'model', files: 1, bytes: 101 })
      await expect(store.write(id, 'big.onnx', 101, body('x'.repeat(101)))).rejects.toThrow(/big\.onnx is 101 bytes; a file may be at most 100 bytes/)
      for (const path of ['model.digitlab', 'notes.onnx.txt', 'models/digits.onnx']) {
        await expect(store.write(id, path, 4, body('ONNX'))).rejects.toThrow(`${path}: a model upload is one .onnx file`)
      }
      await expect(store.finish(id)).rejects.toThrow(/only 0 of the 1 announced files arrived/)
      // That refused upload replaced only the model before it.
      expect(await readFile(project, 'utf8')).toBe('DLAB')
      expect(await readdir(parent)).toHaveLength(3)
    })

    it('refuses a folder upload’s id once a new folder replaced it, but not because a project came', async () => {
      const folder = await store.begin({ files: 2, bytes: 2 })
      await store.write(folder, 'a.png', 1, body('a'))
      await upload('project', { 'run.digitlab': 'D' })
      await store.write(folder, 'b.png', 1, body('b'))
      await store.begin({ files: 1, bytes: 1 })
      await expect(store.finish(folder)).rejects.toThrow(/another one replaced it/)
    })
  })
})
