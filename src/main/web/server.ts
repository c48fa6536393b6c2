import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as v from 'valibot'
import { WebSocketServer, type WebSocket } from 'ws'
import type { ApiHandlers, AppEvent } from '../../shared/api'
import { dispatch } from '../ipc/dispatch'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'
import { readStaticFile } from '../renderer-files'
import { handleUpload } from './upload-route'
import { UploadStore } from './upload-store'
import { errorMessage } from '../../shared/error-message'
import { SOCKET_REQUEST, UPLOAD_TOKEN_HEADER, type SocketReply, type SocketRequest } from '../../shared/browser-protocol'

export interface WebServer {
  /** The address to open, with the per-launch token. */
  readonly url: string
  readonly token: string
  /** Send an event to every connected page. */
  broadcast(event: AppEvent): void
  close(): Promise<void>
}

function sameToken(given: string | string[] | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false
  const [a, b] = [Buffer.from(given), Buffer.from(token)]
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Parse one socket message; anything that is not a well-formed request gets null. */
function parseRequest(data: unknown): SocketRequest | null {
  try {
    const request = v.safeParse(SOCKET_REQUEST, JSON.parse(String(data)))
    return request.success ? request.output : null
  } catch {
    return null
  }
}

/** The largest api message the socket takes (a dataset's pixels travel by upload, never by socket). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

/**
 * Browser mode: the built renderer over HTTP and the api over a WebSocket, on 127.0.0.1 only. The
 * socket, and the folder uploads (`upload-route.ts`), answer only a page from this server that
 * presents the per-launch token. Upload folders a killed server left behind are removed first.
 */
export async function startWebServer(handlers: ApiHandlers, rendererDir: string, port = 0, uploads = new UploadStore()): Promise<WebServer> {
  const token = randomBytes(24).toString('base64url')
  const sockets = new Set<WebSocket>()
  let origin = ''
  const server: Server = createServer((request, response) => {
    const url = URL.canParse(request.url ?? '/', origin) ? new URL(request.url ?? '/', origin) : null
    if (!url) return void response.writeHead(400).end()
    const authorized = request.headers.origin === origin && sameToken(request.headers[UPLOAD_TOKEN_HEADER], token)
    if (handleUpload(request, response, url, uploads, authorized)) return
    if (request.method !== 'GET') return void response.writeHead(405).end()
    void readStaticFile(rendererDir, request.url ?? '/').then((file) => {
      if (!file) return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      response.writeHead(200, { 'content-type': file.contentType, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' })
      response.end(file.body)
    }, () => response.writeHead(500).end())
  })
  const upgrades = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  await uploads.removeStale()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  server.on('upgrade', (request: IncomingMessage, socket, head) => {
    // NOTE: Node drops the HTTP server's own 'error' listener from an upgraded socket; without one, a
    // peer that resets the connection before ws takes it over would end the process.
    socket.on('error', () => socket.destroy())
    const url = new URL(request.url ?? '/', origin)
    if (url.pathname !== '/api' || request.headers.origin !== origin || !sameToken(url.searchParams.get('token'), token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    upgrades.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      // A frame over maxPayload, invalid UTF-8 or any other protocol fault: ws is already closing this
      // connection with the matching status (1009, 1007, 1002); without a listener the error would end the process.
      ws.on('error', () => undefined)
      ws.on('message', (data) => {
        const message = parseRequest(data)
        if (!message) return void ws.send(JSON.stringify({ id: -1, ok: false, error: 'malformed request' }))
        dispatch(handlers, message.name, message.args).then(
          (result) => ws.send(JSON.stringify({ id: message.id, ok: true, result } satisfies SocketReply)),
          (error: unknown) => ws.send(JSON.stringify({ id: message.id, ok: false, error: errorMessage(error) } satisfies SocketReply)),
        )
      })
    })
  })

  return {
    url: `${origin}/?token=${token}`,
    token,
    broadcast(event) {
      const text = JSON.stringify({ event } satisfies SocketReply)
      for (const ws of sockets) ws.send(text)
    },
    close: async () => {
      for (const ws of sockets) ws.terminate()
      upgrades.close()
      await Promise.all([uploads.close(), new Promise<void>((resolve) => server.close(() => resolve()))])
    },
  }
}
