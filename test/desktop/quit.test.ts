import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { closeBeforeQuit } from '../../src/main/desktop/quit'
import { eventually } from '../helpers/eventually'

/** An `app` that quits as Electron's does: 'before-quit' may hold the quit back. */
function fakeApp() {
  const events = new EventEmitter()
  const log: string[] = []
  const app = {
    on: (event: 'before-quit', listener: (event: { preventDefault(): void }) => void) => events.on(event, listener),
    quit: () => {
      let held = false
      events.emit('before-quit', { preventDefault: () => (held = true) })
      log.push(held ? 'held' : 'quit')
    },
  }
  return { app, log }
}

describe('quitting', () => {
  it('waits for the service to close, then quits once, however often quit is asked meanwhile', async () => {
    const { app, log } = fakeApp()
    let closed!: () => void
    closeBeforeQuit(app, () => new Promise<void>((resolve) => (closed = resolve)), () => {})
    app.quit()
    app.quit()
    expect(log).toEqual(['held', 'held'])
    closed()
    await eventually(() => log.length, (length) => length === 3)
    expect(log).toEqual(['held', 'held', 'quit'])
  })

  it('still quits, saying why, when closing fails or never ends', async () => {
    const failing = fakeApp()
    const problems: string[] = []
    closeBeforeQuit(failing.app, async () => Promise.reject(new Error('disk gone')), (problem) => problems.push(problem))
    failing.app.quit()
    await eventually(() => failing.log.length, (length) => length === 2)
    expect(failing.log).toEqual(['held', 'quit'])
    const hanging = fakeApp()
    closeBeforeQuit(hanging.app, () => new Promise<void>(() => {}), (problem) => problems.push(problem), 10)
    hanging.app.quit()
    await eventually(() => hanging.log.length, (length) => length === 2)
    expect(hanging.log).toEqual(['held', 'quit'])
    expect(problems).toEqual(['closing the service failed: disk gone', 'the service did not close within 0.01 s; quitting anyway'])
  })
})
