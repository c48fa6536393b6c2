import { API_CHANNELS, type Api, type AppEvent } from '../../../shared/api'
import type { SocketReply, SocketRequest } from '../../../shared/browser-protocol'

/**
 * The api over the browser mode's WebSocket, shaped exactly like the Electron preload's
 * `window.api`, so the rest of the renderer cannot tell which one it has.
 */
export async function connectSocketApi(location: Location): Promise<Api> {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const socket = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token)}`)
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true })
    socket.addEventListener('error', () => reject(new Error('could not connect to Digit Lab (is `npm run serve` running, and is the token in the address?)')), { once: true })
  })
  let nextId = 1
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  const listeners = new Set<(event: AppEvent) => void>()
  socket.addEventListener('message', (message) => {
    const reply = JSON.parse(String(message.data)) as SocketReply
    if ('event' in reply) return listeners.forEach((listener) => listener(reply.event))
    const waiting = pending.get(reply.id)
    pending.delete(reply.id)
    if (reply.ok) waiting?.resolve(reply.result)
    else waiting?.reject(new Error(reply.error))
  })
  socket.addEventListener('close', () => {
    for (const waiting of pending.values()) waiting.reject(new Error('the connection to Digit Lab closed'))
    pending.clear()
  })
  const call = (name: string, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      socket.send(JSON.stringify({ id, name, args } satisfies SocketRequest))
    })
  const functions = Object.fromEntries(Object.keys(API_CHANNELS).map((name) => [name, (...args: unknown[]) => call(name, args)]))
  return {
    ...functions,
    onEvent(listener: (event: AppEvent) => void) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  } as unknown as Api
}
