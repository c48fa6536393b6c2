import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DigitLabService } from '../service/digit-lab-service'
import { defaultDataFolder } from '../storage/data-folder'
import { startWebServer } from './server'
import { UPLOAD_LIMITS, UploadStore } from './upload-store'

// `npm run serve`: Digit Lab in a browser on this machine — the built renderer and the same
// service as the Electron window, behind a token-guarded WebSocket on 127.0.0.1.
const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } })
const rendererDir = resolve(import.meta.dirname, '../../../out/renderer')
const version = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string }).version
let broadcast: (event: Parameters<ConstructorParameters<typeof DigitLabService>[0]['emit']>[0]) => void = () => {}
// Uploads are copies: corrections of one go to the data folder, by the folder's name.
const isUploadedCopy = (folder: string): boolean => uploads.holds(folder)
const service = new DigitLabService({ version, emit: (event) => broadcast(event), dataFolder: defaultDataFolder(), isUploadedCopy })
// A page that has not yet heard of a run (another tab started it) is refused by the server, before any upload.
const uploads: UploadStore = new UploadStore(UPLOAD_LIMITS, tmpdir(), (kind) => service.uploadRefusal(kind))
const server = await startWebServer(service, rendererDir, Number(values.port), uploads)
broadcast = server.broadcast
process.stdout.write(`Digit Lab is running at ${server.url}\n`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().then(() => process.exit(0)))
