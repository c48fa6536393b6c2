import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { UPLOAD_TOKEN_HEADER as TOKEN_HEADER } from '../../src/shared/browser-protocol'
import { UploadStore } from '../../src/main/web/upload-store'
import { defaultTrainingConfig, runInProgress } from '../../src/shared/training'
import { writeDigitFolder } from '../e2e/app-helpers'
import { tempFolder } from '../helpers/temp-folder'

/** Every file under `root`, by relative path. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name))).sort()
}

/** The upload over HTTP, as the page sends it: token and origin checked, then into the folder importer. */
describe('folder uploads over the browser-mode server', () => {
  let server: WebServer
  let service: DigitLabService
  let parent: string
  let origin: string

  const send = (path: string, init: RequestInit = {}, headers: Record<string, string> = { origin, [TOKEN_HEADER]: server.token }) =>
    fetch(`${origin}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } })
  const json = async (response: Response): Promise<Record<string, string>> => (await response.json()) as Record<string, string>

  beforeAll(async () => {
    parent = await tempFolder('upload-route')
    service = new DigitLabService({ version: 'test', emit: () => undefined })
    server = await startWebServer(service, await tempFolder('no-renderer'), 0, new UploadStore({ files: 100, fileBytes: 32_768, totalBytes: 65536 }, parent))
    origin = new URL(server.url).origin
  })

  afterAll(async () => {
    await service?.close()
    await server?.close()
  })

  it('refuses a page without the token, or from another origin, before writing anything', async () => {
    const plan = { method: 'POST', body: JSON.stringify({ files: 1, bytes: 1 }) }
    const refused: Record<string, string>[] = [{ origin }, { origin, [TOKEN_HEADER]: 'wrong' }, { origin: 'http://evil.example', [TOKEN_HEADER]: server.token }, { [TOKEN_HEADER]: server.token }]
    for (const headers of refused) {
      const response = await send('/upload', plan, headers)
      expect(response.status).toBe(403)
      expect((await json(response)).error).toMatch(/not a page of this Digit Lab/)
    }
    expect((await send('/upload?token=' + server.token, plan, { origin })).status).toBe(403)
    expect(await readdir(parent)).toEqual([])
  })

  it('uploads a folder of PNGs file by file, and the importer opens it: counts, layout, the corrupt file skipped', async () => {
    const folder = await writeDigitFolder(5)
    const name = folder.split('/').pop()!
    const files = await filesUnder(folder)
    const bytes = (await Promise.all(files.map((file) => readFile(join(folder, file))))).reduce((sum, data) => sum + data.length, 0)
    const { id } = await json(await send('/upload', { method: 'POST', body: JSON.stringify({ files: files.length, bytes }) }))
    for (const file of files) {
      const response = await send(`/upload/${id}?${new URLSearchParams({ path: `${name}/${file}` })}`, { method: 'PUT', body: await readFile(join(folder, file)) })
      expect(response.status, await response.clone().text()).toBe(200)
    }
    const { path } = await json(await send(`/upload/${id}/done`, { method: 'POST' }))
    expect(path.startsWith(parent)).toBe(true)
    expect(path.endsWith(`/${name}`)).toBe(true)
    expect(await filesUnder(path)).toEqual(files)

    const view = await service.openFolder(path, {})
    expect(view.name).toBe(name)
    expect(view.classes.map((c) => [c.label, c.train + c.valid])).toEqual([['0', 5], ['1', 5]])
    expect(view.skipped.map((s) => s.file)).toEqual(['1/scribble.png'])
  })

  it('uploads a project file beside the folder in use; the service opens it from there, with the storage layer’s message for a foreign file', async () => {
    const folder = (await service.currentDataset())!.source
    const begin = (plan: object) => send('/upload', { method: 'POST', body: JSON.stringify(plan) })
    const wrongKind = await begin({ kind: 'script', files: 1, bytes: 1 })
    expect(wrongKind.status).toBe(400)
    expect((await json(wrongKind)).error).toMatch(/a folder, a project or a model, not "script"/)
    expect((await json(await begin({ kind: 'project', files: 3, bytes: 3 }))).error).toMatch(/a project is one \.digitlab file, not 3/)

    const text = new TextEncoder().encode('shopping list: eggs, milk')
    const { id } = await json(await begin({ kind: 'project', files: 1, bytes: text.length }))
    const elsewhere = await send(`/upload/${id}?path=${encodeURIComponent('runs/notes.digitlab')}`, { method: 'PUT', body: text })
    expect((await json(elsewhere)).error).toMatch(/a project upload is one \.digitlab file/)
    expect((await send(`/upload/${id}?path=notes.digitlab`, { method: 'PUT', body: text })).status).toBe(200)
    const { path } = await json(await send(`/upload/${id}/done`, { method: 'POST' }))
    expect(path).toMatch(new RegExp(`^${parent}/digit-lab-upload-[^/]+/notes\\.digitlab$`))
    await expect(service.openProject(path)).rejects.toThrow(`${path} is not a Digit Lab project`)
    // The dataset's uploaded folder is still there, and still the one open.
    expect(await filesUnder(folder)).toContain('1/scribble.png')
    expect((await service.currentDataset())!.source).toBe(folder)
  })

  it('uploads a model file beside the folder in use; the service opens it from there and refuses a damaged one naming it', async () => {
    const folder = (await service.currentDataset())!.source
    const begin = (plan: object) => send('/upload', { method: 'POST', body: JSON.stringify(plan) })
    const two = await begin({ kind: 'model', files: 2, bytes: 2 })
    expect(two.status).toBe(400)
    expect((await json(two)).error).toMatch(/a model is one \.onnx file, not 2/)

    const onnx = await readFile('test/fixtures/onnx/foreign-mnist.onnx')
    const upload = async (name: string, bytes: Uint8Array): Promise<string> => {
      const { id } = await json(await begin({ kind: 'model', files: 1, bytes: bytes.length }))
      const wrong = await send(`/upload/${id}?path=${encodeURIComponent(name.replace(/\.onnx$/, '.png'))}`, { method: 'PUT', body: bytes })
      expect(wrong.status).toBe(400)
      expect((await json(wrong)).error).toMatch(/a model upload is one \.onnx file/)
      expect((await send(`/upload/${id}?${new URLSearchParams({ path: name })}`, { method: 'PUT', body: bytes })).status).toBe(200)
      return (await json(await send(`/upload/${id}/done`, { method: 'POST' }))).path
    }
    const path = await upload('mnist.onnx', onnx)
    expect(path).toMatch(new RegExp(`^${parent}/digit-lab-upload-[^/]+/mnist\\.onnx$`))
    expect(await service.openModel(path)).toMatchObject({ origin: 'file', name: 'mnist.onnx' })

    const truncated = await upload('cut.onnx', onnx.subarray(0, 1000))
    await expect(service.openModel(truncated)).rejects.toThrow(`${truncated}: `)
    await expect(readFile(path)).rejects.toThrow(/ENOENT/)
    expect(await filesUnder(folder)).toContain('1/scribble.png')
    expect((await service.currentDataset())!.source).toBe(folder)
  })

  it('answers a hostile path or an over-limit file with a clear message, and keeps serving', async () => {
    const { id } = await json(await send('/upload', { method: 'POST', body: JSON.stringify({ files: 3, bytes: 50_000 }) }))
    const put = (path: string, body: Uint8Array) => send(`/upload/${id}?${new URLSearchParams({ path })}`, { method: 'PUT', body })
    const climbing = await put('digits/../../../outside.png', new Uint8Array(4))
    expect(climbing.status).toBe(400)
    expect((await json(climbing)).error).toMatch(/would climb out/)
    const big = await put('digits/big.png', new Uint8Array(40_000))
    expect(big.status).toBe(413)
    expect((await json(big)).error).toMatch(/digits\/big\.png is 39 KB; a file may be at most 32 KB/)
    const tooMany = await send('/upload', { method: 'POST', body: JSON.stringify({ files: 101, bytes: 1 }) })
    expect((await json(tooMany)).error).toMatch(/holds 101 files; an upload takes at most 100/)
    expect((await send('/upload/not-an-upload/done', { method: 'POST' })).status).toBe(404)
    expect((await send('/upload', { method: 'GET' })).status).toBe(405)
    expect(await readdir(join(parent, '..'))).not.toContain('outside.png')
  })

  it('removes the upload folders, the project’s and the model’s too, when the server closes', async () => {
    const { id } = await json(await send('/upload', { method: 'POST', body: JSON.stringify({ files: 1, bytes: 1 }) }))
    expect((await send(`/upload/${id}?path=a.png`, { method: 'PUT', body: new Uint8Array(1) })).status).toBe(200)
    expect(await readdir(parent)).toHaveLength(3)
    await server.close()
    expect(await readdir(parent)).toEqual([])
  })
})

/** A page that did not hear of a run (another tab started it) is refused by the server, before any upload. */
describe('uploads while a run trains', () => {
  it('refuses a dataset folder or a project with the service’s words, keeps the upload in use, and takes a model', async () => {
    let finished: () => void = () => {}
    const ended = new Promise<void>((resolve) => (finished = resolve))
    const service = new DigitLabService({ version: 'test', emit: (event) => event.kind === 'training' && event.event.kind === 'finished' && finished() })
    const parent = await tempFolder('upload-while-training')
    const uploads = new UploadStore({ files: 10, fileBytes: 1024, totalBytes: 4096 }, parent, (kind) => service.uploadRefusal(kind))
    const server = await startWebServer(service, await tempFolder('no-renderer'), 0, uploads)
    const origin = new URL(server.url).origin
    const begin = (plan: object) => fetch(`${origin}/upload`, { method: 'POST', body: JSON.stringify(plan), headers: { origin, [TOKEN_HEADER]: server.token } })
    try {
      expect((await begin({ files: 1, bytes: 1 })).status).toBe(200)
      const inUse = await readdir(parent)
      await service.openSample('mnist-sample')
      await service.startTraining({ ...defaultTrainingConfig('linear', 2), epochs: 10_000 })
      for (const [kind, instead] of [['folder', 'opening another dataset'], ['project', 'opening a project']] as const) {
        const refused = await begin({ kind, files: 1, bytes: 1 })
        expect(refused.status).toBe(409)
        expect((await refused.json()) as unknown).toEqual({ error: runInProgress(instead) })
      }
      expect(await readdir(parent)).toEqual(inUse)
      expect((await begin({ kind: 'model', files: 1, bytes: 1 })).status).toBe(200)
      await service.stopTraining()
      await ended
      expect((await begin({ files: 1, bytes: 1 })).status).toBe(200)
    } finally {
      await service.close()
      await server.close()
    }
  })
})
