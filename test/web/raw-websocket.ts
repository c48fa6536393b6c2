import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

/** One WebSocket frame as a client writes it, valid or not: every field can be set wrong on purpose. */
export interface RawFrame {
  readonly opcode: number
  readonly payload?: Buffer
  /** Final fragment (default true). */
  readonly fin?: boolean
  /** The three reserved bits, as a number 0–7 (default 0). */
  readonly rsv?: number
  /** Clients must mask (default true); false is a protocol fault. */
  readonly masked?: boolean
  /** The length the header announces, when it should differ from the payload's (an oversize or cut message). */
  readonly declaredLength?: number
}

export const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const

/** The bytes of `frame`, written by hand (RFC 6455 §5.2) so a test can send what no WebSocket library would. */
export function encodeFrame(frame: RawFrame): Buffer {
  const payload = frame.payload ?? Buffer.alloc(0)
  const length = frame.declaredLength ?? payload.length
  const masked = frame.masked ?? true
  const first = ((frame.fin ?? true) ? 0x80 : 0) | ((frame.rsv ?? 0) << 4) | (frame.opcode & 0x0f)
  const header: number[] = [first]
  const maskBit = masked ? 0x80 : 0
  if (length < 126) header.push(maskBit | length)
  else if (length < 65536) header.push(maskBit | 126, length >> 8, length & 0xff)
  else {
    const big = Buffer.alloc(8)
    big.writeBigUInt64BE(BigInt(length))
    header.push(maskBit | 127, ...big)
  }
  if (!masked) return Buffer.concat([Buffer.from(header), payload])
  const mask = randomBytes(4)
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i % 4]
  return Buffer.concat([Buffer.from(header), mask, body])
}

/** A close frame's payload: a status code and a reason, either of which may be invalid. */
export const closePayload = (code: number, reason: Buffer | string = ''): Buffer => {
  const head = Buffer.alloc(2)
  head.writeUInt16BE(code)
  return Buffer.concat([head, Buffer.isBuffer(reason) ? reason : Buffer.from(reason)])
}

/** A TCP connection that did the WebSocket handshake by hand; `received` collects what the server sent after it. */
export interface RawConnection {
  readonly socket: Socket
  /** The server's bytes after the 101 response. */
  received(): Buffer
  /** Resolves when the server ends or the connection drops. */
  readonly closed: Promise<void>
}

/** Open `url` (ws://…/api?token=…) with `origin`, answering the upgraded TCP socket; rejects if not answered 101. */
export function rawConnect(url: string, origin: string): Promise<RawConnection> {
  const { hostname, port, pathname, search } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let buffered = Buffer.alloc(0)
    let upgraded = false
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    socket.on('error', () => undefined)
    socket.once('connect', () => {
      const key = randomBytes(16).toString('base64')
      socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`,
      )
    })
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      if (upgraded) return
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = buffered.subarray(0, end).toString('latin1')
      if (!head.startsWith('HTTP/1.1 101')) return void (socket.destroy(), reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`)))
      upgraded = true
      buffered = buffered.subarray(end + 4)
      resolve({ socket, received: () => buffered, closed })
    })
    socket.once('close', () => {
      if (!upgraded) reject(new Error('the connection closed before the handshake'))
    })
  })
}

/** The server frames in `bytes` (unmasked, as a server sends): opcode and payload, stopping at a cut frame. */
export function decodeServerFrames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = []
  let at = 0
  while (at + 2 <= bytes.length) {
    let length = bytes[at + 1] & 0x7f
    let start = at + 2
    if (length === 126) [length, start] = [bytes.readUInt16BE(at + 2), at + 4]
    else if (length === 127) [length, start] = [Number(bytes.readBigUInt64BE(at + 2)), at + 10]
    if (start + length > bytes.length) break
    frames.push({ opcode: bytes[at] & 0x0f, payload: bytes.subarray(start, start + length) })
    at = start + length
  }
  return frames
}
