import { threadId, Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { CallClient } from '../../src/main/worker/calls'
import type { fixtureCalls } from './fixtures/calls-worker'

/** The fixture worker, loaded through tsx as spawn.ts loads a worker from the sources. */
function fixtureWorker(): Worker {
  const entry = new URL('./fixtures/calls-worker.ts', import.meta.url).href
  const tsx = import.meta.resolve('tsx/esm/api')
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`, { eval: true })
}

describe('calls to a worker by name (worker/calls.ts)', () => {
  it('answers each call with its value, computed in the worker’s thread, and a refusal with its message', async () => {
    const others: unknown[] = []
    const client = new CallClient<typeof fixtureCalls>(fixtureWorker(), 'the fixture worker', (message) => others.push(message))
    const [doubled, later] = await Promise.all([client.call('double', 21), client.call('later', 'now')])
    expect([doubled, later]).toEqual([42, 'now, later'])
    expect(client.lastThreadId).not.toBe(threadId)
    await expect(client.call('refuse')).rejects.toThrow(/^image 9 does not exist: the valid split has 3 images$/)
    expect(others).toEqual([])
    await client.close('done')
  })

  it('refuses the calls waiting on a worker that dies, and every later one, saying why', async () => {
    const client = new CallClient<typeof fixtureCalls>(fixtureWorker(), 'the fixture worker', () => {})
    const refused = [client.call('never'), client.call('die', 3)].map((call) => expect(call).rejects.toThrow('the fixture worker stopped (exit code 3)'))
    await Promise.all(refused)
    expect(client.gone).toBe(true)
    await expect(client.call('double', 1)).rejects.toThrow('the fixture worker stopped (exit code 3)')
  })

  it('refuses what waits when closed, with the reason given, and its thread has ended when close resolves', async () => {
    const worker = fixtureWorker()
    const client = new CallClient<typeof fixtureCalls>(worker, 'the fixture worker', () => {})
    await client.call('double', 1)
    const refused = expect(client.call('never')).rejects.toThrow('the app is closing')
    let exited = false
    worker.once('exit', () => (exited = true))
    await client.close('the app is closing')
    expect(exited).toBe(true)
    await refused
    await expect(client.call('double', 2)).rejects.toThrow('the app is closing')
  })
})
