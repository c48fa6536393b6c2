import type { IncomingMessage, ServerResponse } from 'node:http'
import { UploadError, type UploadStore } from './upload-store'
import { errorMessage } from '../../shared/error-message'

/** The page's announcement of an upload is a few numbers: anything longer is refused unread. */
const MAX_PLAN_BYTES = 1024

async function readPlan(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length
    if (length > MAX_PLAN_BYTES) throw new UploadError('an upload plan is a few numbers, not this much', 413)
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new UploadError('an upload plan must be JSON')
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  // After a refusal the request's body may still be arriving: the connection is not reused.
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store', ...(status >= 400 ? { connection: 'close' } : {}) }
  response.writeHead(status, headers).end(JSON.stringify(body))
}

/**
 * Browser mode's uploads over HTTP, for a page that passed `authorized` (our origin and the
 * token): `POST /upload` with an `UploadPlan` (src/shared/browser-protocol.ts) starts one and answers its id; `PUT /upload/<id>?path=<relative path>`
 * streams one file's bytes; `POST /upload/<id>/done` answers the path to import. Errors answer
 * `{error}` with a status. Returns false for a URL that is not an upload's.
 */
export function handleUpload(request: IncomingMessage, response: ServerResponse, url: URL, uploads: UploadStore, authorized: boolean): boolean {
  const match = /^\/upload(?:\/([A-Za-z0-9_-]{1,64})(\/done)?)?$/.exec(url.pathname)
  if (!match) return false
  const [, id, done] = match
  const route = !id && request.method === 'POST' ? 'begin' : id && !done && request.method === 'PUT' ? 'file' : id && done && request.method === 'POST' ? 'done' : null
  void (async () => {
    if (!authorized) throw new UploadError('refused: not a page of this Digit Lab with its token', 403)
    if (route === 'begin') {
      // The plan is checked by the store, against UPLOAD_PLAN (src/shared/browser-protocol.ts).
      return { id: await uploads.begin(await readPlan(request)) }
    }
    if (route === 'file') {
      const path = url.searchParams.get('path') ?? ''
      const length = request.headers['content-length']
      await uploads.write(id!, path, length === undefined ? Number.NaN : Number(length), request)
      return { written: path }
    }
    if (route === 'done') return { path: await uploads.finish(id!) }
    throw new UploadError(`${request.method} is not how ${url.pathname} is used`, 405)
  })().then(
    (body) => reply(response, 200, body),
    (error: unknown) => {
      const status = error instanceof UploadError ? error.status : 500
      reply(response, status, { error: errorMessage(error) })
    },
  )
  return true
}
