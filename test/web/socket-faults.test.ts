import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { MAX_MESSAGE_BYTES } from '../../src/main/web/server'
import { eventually } from '../helpers/eventually'
import { recordFigures } from '../helpers/figures'
import { tempFolder } from '../helpers/temp-folder'
import { closePayload, decodeServerFrames, encodeFrame, OP, rawConnect, type RawConnection, type RawFrame } from './raw-websocket'
import { startServe, stopServe, type ServeProcess } from './serve-process'

/** One kind of fault: the frames it sends, and the close status the server must answer (null: the client hangs up). */
interface Fault {
  readonly name: string
  readonly frames: readonly RawFrame[]
  readonly closeCode: number | null
  /** Hang up after the frames: `end` politely, `reset` with a TCP RST, before the server answers. */
  readonly hangUp?: 'end' | 'reset'
}

const text = (value: string | Buffer, extra: Partial<RawFrame> = {}): RawFrame => ({ opcode: OP.text, payload: Buffer.from(value), ...extra })
const request = (id: number): string => JSON.stringify({ id, name: 'engineStatus', args: [] })
const INVALID_UTF8 = Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d])

/** Every protocol fault RFC 6455 names that a page (or anything on this machine) could send, and a few valid oddities. */
const FAULTS: readonly Fault[] = [
  { name: 'a message over maxPayload (header only)', frames: [text('', { declaredLength: MAX_MESSAGE_BYTES + 1 })], closeCode: 1009 },
  { name: 'a binary message announcing 2^53 bytes', frames: [{ opcode: OP.binary, declaredLength: 2 ** 53 - 1 }], closeCode: 1009 },
  { name: 'invalid UTF-8 in a text frame', frames: [text(INVALID_UTF8)], closeCode: 1007 },
  { name: 'invalid UTF-8 split across fragments', frames: [text(Buffer.from([0xe2, 0x82]), { fin: false }), { opcode: OP.continuation, payload: Buffer.from([0x28]) }], closeCode: 1007 },
  { name: 'a close frame with an invalid UTF-8 reason', frames: [{ opcode: OP.close, payload: closePayload(1000, INVALID_UTF8) }], closeCode: 1007 },
  { name: 'a continuation with no message begun', frames: [{ opcode: OP.continuation, payload: Buffer.from('x') }], closeCode: 1002 },
  { name: 'a new message inside a fragmented one', frames: [text('{"id":', { fin: false }), text(request(1))], closeCode: 1002 },
  { name: 'a fragmented ping', frames: [{ opcode: OP.ping, fin: false, payload: Buffer.from('p') }], closeCode: 1002 },
  { name: 'a ping over 125 bytes', frames: [{ opcode: OP.ping, payload: Buffer.alloc(126, 1) }], closeCode: 1002 },
  { name: 'RSV1 set without an extension', frames: [text(request(1), { rsv: 4 })], closeCode: 1002 },
  { name: 'RSV2 and RSV3 set', frames: [text(request(1), { rsv: 3 })], closeCode: 1002 },
  { name: 'reserved data opcode 3', frames: [{ opcode: 3, payload: Buffer.from('x') }], closeCode: 1002 },
  { name: 'reserved control opcode 0xB', frames: [{ opcode: 0xb }], closeCode: 1002 },
  { name: 'an unmasked client frame', frames: [text(request(1), { masked: false })], closeCode: 1002 },
  { name: 'a close frame of one byte', frames: [{ opcode: OP.close, payload: Buffer.from([3]) }], closeCode: 1002 },
  { name: 'close status 999', frames: [{ opcode: OP.close, payload: closePayload(999) }], closeCode: 1002 },
  { name: 'close status 1005 (never sent on the wire)', frames: [{ opcode: OP.close, payload: closePayload(1005) }], closeCode: 1002 },
  { name: 'close status 5000', frames: [{ opcode: OP.close, payload: closePayload(5000) }], closeCode: 1002 },
  { name: 'cut mid-message, then closed', frames: [text('{"id":1,"na', { declaredLength: 1000 })], closeCode: null, hangUp: 'end' },
  { name: 'cut mid-message, then reset', frames: [text('{"id":1,"na', { declaredLength: 1000 })], closeCode: null, hangUp: 'reset' },
  { name: 'cut after a header announcing 70,000 bytes, then reset', frames: [{ opcode: OP.text, declaredLength: 70_000 }], closeCode: null, hangUp: 'reset' },
  { name: 'a fragment left unfinished, then reset', frames: [text('{"id":', { fin: false })], closeCode: null, hangUp: 'reset' },
  { name: 'pings and pongs between fragments, then reset', frames: [text('{"id":', { fin: false }), { opcode: OP.ping }, { opcode: OP.pong }, { opcode: OP.ping, payload: Buffer.from('x') }], closeCode: null, hangUp: 'reset' },
]

/** The close status in the server's close frame, once it arrives (null if the connection ends without one). */
async function serverCloseCode(connection: RawConnection): Promise<number | null> {
  const closeFrame = () => decodeServerFrames(connection.received()).find((frame) => frame.opcode === OP.close)
  const close = await eventually(closeFrame, (frame) => frame !== undefined || connection.socket.destroyed)
  return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : null
}

/** Send `fault` on a fresh connection; answers the close status the server sent, or null. */
async function sendFault(server: ServeProcess, fault: Fault): Promise<number | null> {
  const connection = await rawConnect(`${server.origin.replace('http', 'ws')}/api?token=${server.token}`, server.origin)
  for (const frame of fault.frames) connection.socket.write(encodeFrame(frame))
  if (fault.hangUp === 'reset') connection.socket.resetAndDestroy()
  else if (fault.hangUp === 'end') connection.socket.end()
  const code = fault.hangUp ? null : await serverCloseCode(connection)
  connection.socket.destroy()
  return code
}

/** A normal request through the `ws` library: the reply to engineStatus. */
async function askStatus(server: ServeProcess): Promise<unknown> {
  const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/api?token=${server.token}`, { origin: server.origin })
  await new Promise((open, fail) => socket.once('open', open).once('error', fail))
  const reply = await new Promise<unknown>((answer) => {
    socket.once('message', (data) => answer(JSON.parse(String(data))))
    socket.send(request(42))
  })
  socket.close()
  return reply
}

/** A handshake that never completes: refused for its token, the client resets before reading the 403. */
function resetDuringHandshake(server: ServeProcess): Promise<void> {
  const { port } = new URL(server.origin)
  return new Promise((done) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET /api?token=wrong HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${'A'.repeat(22)}==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
      socket.resetAndDestroy()
    })
    socket.on('error', () => undefined).once('close', () => done())
  })
}

describe('browser-mode server process under WebSocket protocol faults', () => {
  let server: ServeProcess | undefined

  beforeAll(async () => {
    server = await startServe(await tempFolder('serve-faults'))
  })

  afterAll(() => stopServe(server))

  it('survives 1,000 protocol-fault frames, closing each faulty connection with the right status, and still answers', async () => {
    const live = server!
    let frames = 0
    const wrongCodes: string[] = []
    const byFault = new Map<string, number>()
    // Connections run 8 at a time, cycling through the faults, until at least 1,000 faulty frames went out.
    const queue: Fault[] = []
    for (let i = 0; frames < 1000; i++) {
      const fault = FAULTS[i % FAULTS.length]
      queue.push(fault)
      frames += fault.frames.length
    }
    const worker = async (): Promise<void> => {
      for (let fault = queue.shift(); fault; fault = queue.shift()) {
        const code = await sendFault(live, fault)
        byFault.set(fault.name, (byFault.get(fault.name) ?? 0) + 1)
        if (code !== fault.closeCode) wrongCodes.push(`${fault.name}: closed with ${code}, expected ${fault.closeCode}`)
      }
    }
    await Promise.all([...Array(8)].map(worker))
    for (let i = 0; i < 50; i++) await resetDuringHandshake(live)
    expect(live.child.exitCode, 'the server process exited').toBeNull()
    expect(wrongCodes).toEqual([])
    expect(await askStatus(live)).toMatchObject({ id: 42, ok: true, result: { ready: true } })
    recordFigures('socket-protocol-faults', { frames, connections: [...byFault.values()].reduce((a, b) => a + b, 0), kinds: FAULTS.length, handshakeResets: 50 })
  })

  it('answers a message fragmented around pings, and refuses one whose fragments together pass maxPayload', async () => {
    const live = server!
    const connection = await rawConnect(`${live.origin.replace('http', 'ws')}/api?token=${live.token}`, live.origin)
    const whole = request(7)
    connection.socket.write(encodeFrame(text(whole.slice(0, 10), { fin: false })))
    connection.socket.write(encodeFrame({ opcode: OP.ping, payload: Buffer.from('hello') }))
    connection.socket.write(encodeFrame({ opcode: OP.continuation, payload: Buffer.from(whole.slice(10, 20)), fin: false }))
    connection.socket.write(encodeFrame({ opcode: OP.continuation, payload: Buffer.from(whole.slice(20)) }))
    await expect.poll(() => decodeServerFrames(connection.received()).some((frame) => frame.opcode === OP.text)).toBe(true)
    const frames = decodeServerFrames(connection.received())
    expect(frames.find((frame) => frame.opcode === OP.pong)?.payload.toString()).toBe('hello')
    expect(JSON.parse(frames.find((frame) => frame.opcode === OP.text)!.payload.toString())).toMatchObject({ id: 7, ok: true })
    // Two fragments of 40 MiB: each under the limit, together over it.
    const half = Buffer.alloc(40 * 1024 * 1024, 0x20)
    connection.socket.write(encodeFrame(text(half, { fin: false })))
    connection.socket.write(encodeFrame({ opcode: OP.continuation, payload: half }))
    expect(await serverCloseCode(connection)).toBe(1009)
    connection.socket.destroy()
    expect(await askStatus(live)).toMatchObject({ id: 42, ok: true })
  })
})
