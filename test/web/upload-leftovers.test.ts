import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { UPLOAD_TOKEN_HEADER as TOKEN_HEADER } from '../../src/shared/browser-protocol'
import { tempFolder } from '../helpers/temp-folder'
import { startServe, stopServe, type ServeProcess } from './serve-process'

/** Begin a two-file upload on `server` and write its first file, as a page dropping a folder would. */
async function halfUpload(server: ServeProcess): Promise<void> {
  const headers = { origin: server.origin, [TOKEN_HEADER]: server.token }
  const begun = await fetch(`${server.origin}/upload`, { method: 'POST', headers, body: JSON.stringify({ files: 2, bytes: 20 }) })
  const { id } = (await begun.json()) as { id: string }
  const put = await fetch(`${server.origin}/upload/${id}?path=${encodeURIComponent('digits/3/a.png')}`, { method: 'PUT', headers, body: 'ten bytes!' })
  expect(put.status).toBe(200)
}

const uploadsOf = async (tmp: string, pid: number): Promise<string[]> => (await readdir(tmp)).filter((name) => name.startsWith(`digit-lab-upload-${pid}-`))

describe('upload folders a killed server left behind', () => {
  const servers: ServeProcess[] = []
  afterAll(async () => {
    for (const server of servers) await stopServe(server)
  })

  it('are removed at the next start — only ours, only those whose server is gone, never another running server’s', async () => {
    const tmp = await tempFolder('serve-leftovers')
    const running = await startServe(tmp)
    const killed = await startServe(tmp)
    servers.push(running, killed)
    await halfUpload(running)
    await halfUpload(killed)
    killed.child.kill('SIGKILL')
    expect(await killed.exited).toBe('SIGKILL')
    expect(await uploadsOf(tmp, killed.pid)).toHaveLength(1)
    // Look-alikes the next start must leave: another program's folder, a folder of this (living) test process,
    // and a symbolic link named like a dead server's folder (never followed, never removed).
    const target = join(tmp, 'elsewhere')
    await mkdir(target)
    await writeFile(join(target, 'keep.txt'), 'keep')
    const planted = ['digit-lab-upload-other', `digit-lab-upload-${process.pid}-abcdef`, `digit-lab-upload-${killed.pid}-nolink`]
    await mkdir(join(tmp, planted[0]))
    await mkdir(join(tmp, planted[1]))
    await symlink(target, join(tmp, planted[2]))

    const next = await startServe(tmp)
    servers.push(next)
    expect(await uploadsOf(tmp, killed.pid)).toEqual([planted[2]])
    expect(await uploadsOf(tmp, running.pid)).toHaveLength(1)
    const names = await readdir(tmp)
    for (const name of planted) expect(names).toContain(name)
    expect(await readdir(target)).toEqual(['keep.txt'])
    // A server that stops normally removes its own.
    await stopServe(running)
    expect(await uploadsOf(tmp, running.pid)).toEqual([])
  })
})
