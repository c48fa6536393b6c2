import { threadId } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DigitLabService } from '../../../src/main/service/digit-lab-service'
import type { AppEvent } from '../../../src/shared/api'

/** A service of its own (these tests close it), with the events it sent. */
function freshService(): { service: DigitLabService; events: AppEvent[] } {
  const events: AppEvent[] = []
  return { service: new DigitLabService({ version: 'lab-worker-test', emit: (event) => events.push(event) }), events }
}

describe("the Lab computes in its own worker thread, and main stays free meanwhile", () => {
  let service: DigitLabService
  let events: AppEvent[]
  beforeAll(async () => {
    ;({ service, events } = freshService())
    await service.openSample('mnist-sample')
  })
  afterAll(() => service.close())

  it("imports the built-in and works out its summary and health off this thread, its progress reported here", () => {
    expect(typeof service.labThreadId).toBe('number')
    expect(service.labThreadId).not.toBe(threadId)
    const progress = events.flatMap((e) => (e.kind === 'import' ? [e.progress] : []))
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total)
  })

  it('answers a service call issued while a Lab request computes before that request ends', async () => {
    const order: string[] = []
    // The first panel 1 request measures the baseline over every validation image, reporting as it goes.
    const lab = service.labPixels({ split: 'valid', index: 0 }).then(() => order.push('lab reply'))
    const computing = new Promise<void>((resolve) => {
      const seen = events.length
      const poll = (): void => (events.slice(seen).some((e) => e.kind === 'lab' && e.event.kind === 'baseline') ? resolve() : void setImmediate(poll))
      poll()
    })
    await computing
    order.push('lab computing')
    const main = Promise.all([service.engineStatus(), service.imagePage({ split: 'valid', offset: 0, limit: 4 })]).then(([status, page]) => {
      expect(status.ready).toBe(true)
      expect(page.images).toHaveLength(4)
      order.push('main reply')
    })
    await Promise.all([lab, main])
    expect(order).toEqual(['lab computing', 'main reply', 'lab reply'])
    expect(service.labThreadId).not.toBe(threadId)
  })

  it('answers a service call issued right after a Lab request before it, even one main once computed in one go', async () => {
    const order: string[] = []
    // Tracing the broadcast is one synchronous computation over every image of a class: in main, its reply came first.
    const lab = service.labBroadcast({ label: 1 }).then(() => order.push('lab reply'))
    const main = service.engineStatus().then(() => order.push('main reply'))
    await Promise.all([lab, main])
    expect(order).toEqual(['main reply', 'lab reply'])
  })

  it('runs each panel there, and its refusals read as before', async () => {
    for (const request of [() => service.labBroadcast({ label: 0 }), () => service.labStep({ model: 'linear', lr: 1, batchSize: 64, steps: 2 }), () => service.labLadder()]) {
      await request()
      expect(typeof service.labThreadId).toBe('number')
      expect(service.labThreadId).not.toBe(threadId)
    }
    await expect(service.labBroadcast({ label: 2 })).rejects.toThrow(/^label 2 does not exist|has 2 classes/)
  })
})

describe("the Lab's worker at the end", () => {
  it('refuses a request still computing when the app closes, and every later one, with the reason', async () => {
    const { service } = freshService()
    await service.openSample('mnist-sample')
    const step = service.labStep({ model: 'simple_net', lr: 0.1, batchSize: 2048, steps: 100 })
    const refused = expect(step).rejects.toThrow(/the app is closing/)
    await service.close()
    await refused
    await expect(service.labLadder()).rejects.toThrow(/the app is closing/)
  })

  it('says no dataset is open before one is, without starting a worker', async () => {
    const { service } = freshService()
    await expect(service.labLadder()).rejects.toThrow(/no dataset is open/)
    expect(service.labThreadId).toBeNull()
    await service.close()
  })
})
