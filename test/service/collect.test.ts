import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import sharp from 'sharp'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiRequestError, dispatch } from '../../src/main/ipc/dispatch'
import type { DigitLabService } from '../../src/main/service/digit-lab-service'
import { DrawingCollection } from '../../src/main/service/drawing-collection'
import { API_ARGS } from '../../src/shared/api'
import { PERSONAL_DATASET } from '../../src/shared/collect'
import { drawingRequest, PAD, padDrawing } from '../helpers/drawings'
import { tempFolder } from '../helpers/temp-folder'
import { digitFolder, service } from './service-helpers'

/** Every file under a folder, relative to it (hidden ones too). */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort()
}

describe('the service keeps drawings as PNG files in class folders', () => {
  let app: DigitLabService
  let data: string
  let personal: string

  beforeAll(async () => {
    data = await tempFolder('collect-data')
    personal = join(data, 'datasets', PERSONAL_DATASET)
    ;({ service: app } = service({ dataFolder: data }))
  })

  afterAll(() => app.close())

  it('writes the pad at its own size, grayscale, unchanged, into <personal>/<label>/, created on the first save', async () => {
    expect(existsSync(personal)).toBe(false)
    const before = await app.collection({ target: 'personal' })
    expect(before).toMatchObject({ folder: personal, classFolder: personal, counts: [], saved: [], problem: null })
    const saved = await app.saveDrawing(drawingRequest('3', 1))
    expect(dirname(saved.file)).toBe(join(personal, '3'))
    expect(basename(saved.file)).toMatch(/^3-\d{8}-\d{6}-[0-9a-f]{8}\.png$/)
    const meta = await sharp(saved.file).metadata()
    expect({ format: meta.format, width: meta.width, height: meta.height, channels: meta.channels, space: meta.space }).toEqual({ format: 'png', width: PAD, height: PAD, channels: 1, space: 'b-w' })
    const { data: pixels, info } = await sharp(saved.file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true })
    expect(info.channels).toBe(1)
    expect(Buffer.compare(pixels, Buffer.from(padDrawing('3', 1)))).toBe(0)
    expect(saved).toMatchObject({ label: '3', folder: personal, counts: [{ label: '3', count: 1 }], saved: [saved.file], problem: null })
  })

  it('counts per class in natural order, leaves no temporary file, and undo deletes only its own files, last first', async () => {
    const theirs = join(personal, '3', 'mine.png')
    await writeFile(theirs, await sharp(Buffer.from(padDrawing('3', 9)), { raw: { width: PAD, height: PAD, channels: 1 } }).png().toBuffer())
    const written = []
    for (const [i, label] of ['10', '3', '2', '3'].entries()) written.push(await app.saveDrawing(drawingRequest(label, i)))
    const last = written.at(-1)!
    expect(last.counts).toEqual([{ label: '2', count: 1 }, { label: '3', count: 4 }, { label: '10', count: 1 }])
    expect((await filesUnder(personal)).filter((f) => !f.endsWith('.png'))).toEqual([])
    const undone = await app.undoDrawing({ target: 'personal' })
    expect(undone.file).toBe(last.file)
    expect(existsSync(last.file)).toBe(false)
    expect(undone.counts.find((c) => c.label === '3')!.count).toBe(3)
    // A file the person put there is never ours to delete, named or not.
    await expect(app.undoDrawing({ target: 'personal', file: theirs })).rejects.toThrow('was not saved by this session')
    const named = await app.undoDrawing({ target: 'personal', file: written[0].file })
    expect(named.counts.map((c) => c.label)).toEqual(['2', '3'])
    expect(existsSync(join(personal, '10'))).toBe(false)
    for (let left = (await app.collection({ target: 'personal' })).saved.length; left > 0; left--) await app.undoDrawing({ target: 'personal' })
    await expect(app.undoDrawing({ target: 'personal' })).rejects.toThrow('no drawing saved in this session to undo')
    expect(await filesUnder(personal)).toEqual(['3/mine.png'])
  })

  it('saves at once from many calls: each a whole PNG of its own name, no temporary file left', async () => {
    const saved = await Promise.all(Array.from({ length: 16 }, (_, i) => app.saveDrawing(drawingRequest('8', i))))
    expect(new Set(saved.map((s) => s.file)).size).toBe(16)
    const files = await readdir(join(personal, '8'))
    expect(files.sort()).toEqual(saved.map((s) => basename(s.file)).sort())
    for (const file of files) expect((await sharp(join(personal, '8', file)).metadata()).width).toBe(PAD)
    for (let i = 0; i < 16; i++) await app.undoDrawing({ target: 'personal' })
    expect(existsSync(join(personal, '8'))).toBe(false)
  })

  it('refuses an empty drawing and a folder it cannot write, saying why, and writes nothing', async () => {
    const empty = { ...drawingRequest('4'), pixels: Buffer.alloc(PAD * PAD).toString('base64') }
    await expect(app.saveDrawing(empty)).rejects.toThrow('the drawing is empty: draw a digit first')
    // A file where the label folder should be: the disk refuses, the message says where, nothing is left behind.
    await writeFile(join(personal, '5'), 'not a folder')
    await expect(app.saveDrawing(drawingRequest('5'))).rejects.toThrow(`the drawing could not be saved in ${join(personal, '5')}`)
    const readOnly = new DrawingCollection(() => null, { dataFolder: data, canWrite: async () => false })
    expect((await readOnly.view('personal')).problem).toMatch(/cannot be written \(no permission\): drawings cannot be kept there/)
    await expect(readOnly.save(drawingRequest('6'))).rejects.toThrow('cannot be written')
    const nowhere = new DrawingCollection(() => null, {})
    await expect(nowhere.save(drawingRequest('6'))).rejects.toThrow('no data folder')
    expect(await filesUnder(personal)).toEqual(['3/mine.png', '5'])
  })

  it('opens the personal dataset like any folder: the counts per class come back', async () => {
    for (const label of ['0', '1']) for (let i = 0; i < 5; i++) await app.saveDrawing(drawingRequest(label, i))
    const view = await app.openCollection({ target: 'personal' })
    const counts = Object.fromEntries(view.classes.map((c) => [c.label, c.train + c.valid]))
    expect(counts).toEqual({ '0': 5, '1': 5, '3': 1 })
    expect(view.layout).toBe('class-folders')
    expect(view.source).toBe(personal)
  })
})

describe('collecting into the open folder', () => {
  it('writes into the open class folders, or train/ of a train/valid layout, and opens it again', async () => {
    const { service: app } = service({ dataFolder: await tempFolder('collect-data') })
    const folder = await digitFolder()
    await app.openFolder(folder, { seed: 3 })
    const saved = await app.saveDrawing(drawingRequest('1', 0, 'open'))
    expect(dirname(saved.file)).toBe(join(folder, '1'))
    expect(saved.counts).toEqual([{ label: '0', count: 12 }, { label: '1', count: 14 }])
    const reopened = await app.openCollection({ target: 'open' })
    expect(reopened.classes.map((c) => c.train + c.valid)).toEqual([12, 13])
    expect(reopened.settings.seed).toBe(3)

    const split = await tempFolder('collect-split')
    for (const part of ['train', 'valid']) for (const label of ['0', '1']) {
      await mkdir(join(split, part, label), { recursive: true })
      await writeFile(join(split, part, label, 'a.png'), await readFile(join(folder, label, '0.png')))
    }
    await app.openFolder(split, {})
    const into = await app.saveDrawing(drawingRequest('0', 0, 'open'))
    expect(dirname(into.file)).toBe(join(split, 'train', '0'))
    expect(into).toMatchObject({ folder: split, classFolder: join(split, 'train') })
    await app.close()
  })

  it('refuses a browser’s uploaded copy and a built-in, saying plainly why', async () => {
    const folder = await digitFolder()
    const { service: app } = service({ dataFolder: await tempFolder('collect-data'), isUploadedCopy: (path) => path === folder })
    expect((await app.collection({ target: 'open' })).problem).toMatch(/^no dataset is open/)
    await app.openFolder(folder, {})
    const copy = await app.collection({ target: 'open' })
    expect(copy).toMatchObject({ folder: null, counts: [] })
    expect(copy.problem).toMatch(/uploaded by the browser: it is a temporary copy, and drawings kept in it would be lost when the server stops/)
    await expect(app.saveDrawing(drawingRequest('1', 0, 'open'))).rejects.toThrow('temporary copy')
    expect(await app.showCollection({ target: 'personal' })).toMatch(/^a browser cannot open folders on this computer: the drawings are in /)
    await app.close()
  })
})

describe('showing the collection\'s folder', () => {
  it('asks the shell to show the folder main resolved, once it exists, and passes on the shell\'s refusal', async () => {
    const shown: string[] = []
    const data = await tempFolder('collect-data')
    const { service: app } = service({ dataFolder: data, showFolder: async (path) => (shown.push(path), shown.length > 1 ? 'no file manager' : '') })
    expect(await app.showCollection({ target: 'personal' })).toMatch(/My handwriting does not exist yet: it is made when the first drawing is saved$/)
    await app.saveDrawing(drawingRequest('2'))
    expect(await app.showCollection({ target: 'personal' })).toBeNull()
    expect(shown).toEqual([join(data, 'datasets', PERSONAL_DATASET)])
    expect(await app.showCollection({ target: 'personal' })).toBe('no file manager')
    expect(await app.showCollection({ target: 'open' })).toMatch(/^no dataset is open/)
    await app.close()
  })
})

describe('the contract checks a drawing before the service sees it', () => {
  const refused = (args: unknown[]) => expect(dispatch({} as never, 'saveDrawing', args)).rejects.toBeInstanceOf(ApiRequestError)
  const parses = (request: unknown) => v.safeParse(API_ARGS.saveDrawing, [request]).success

  it('accepts a pad drawing and refuses labels that are not a safe folder name', async () => {
    expect(parses(drawingRequest('3'))).toBe(true)
    expect(parses(drawingRequest('my digit_2-b'))).toBe(true)
    for (const label of ['', '.', '..', '../3', '3/4', 'a\\b', '.hidden', 'train', 'Valid', 'test', '3 ', 'x'.repeat(41), 'é', '3\0']) {
      expect({ label, parses: parses(drawingRequest(label)) }).toEqual({ label, parses: false })
    }
    await refused([drawingRequest('../../etc')])
  })

  it('refuses pixels that do not fill width × height, sizes off the range, and an unknown target', async () => {
    const good = drawingRequest('3')
    await refused([{ ...good, width: 279 }])
    await refused([{ ...good, width: 4, height: 4, pixels: Buffer.alloc(16).toString('base64') }])
    await refused([{ ...good, width: 2048, height: 2048 }])
    await refused([{ ...good, pixels: 'not base64!' }])
    await refused([{ ...good, target: '/tmp' }])
    await expect(dispatch({} as never, 'undoDrawing', [{ target: 'personal', file: '' }])).rejects.toBeInstanceOf(ApiRequestError)
    expect(v.safeParse(API_ARGS.saveDrawing, [{ ...good, width: 279 }]).issues?.[0].message).toBe('the pixels do not fill width × height (one gray byte per pixel)')
  })
})
