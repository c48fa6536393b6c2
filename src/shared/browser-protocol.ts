import * as v from 'valibot'
import type { AppEvent } from './api'

// Browser mode's wire protocol beside the typed api (`npm run serve`): the WebSocket's messages and the HTTP
// uploads. Both ends (src/main/web/, src/renderer/src/api/) import it from here.

/** The header that carries the per-launch token on upload requests (never the URL: it would show in logs). */
export const UPLOAD_TOKEN_HEADER = 'x-digit-lab-token'

/**
 * What an upload is for: a dataset's folder (or files) to import, one `.digitlab` project file or one
 * `.onnx` model file to open. The server keeps the latest of each, so opening a project or a model
 * leaves the dataset in use.
 */
export const UPLOAD_KINDS = ['folder', 'project', 'model'] as const
export type UploadKind = (typeof UPLOAD_KINDS)[number]

const ANNOUNCED = 'an upload announces its number of files and bytes'
const count = v.pipe(v.number(ANNOUNCED), v.safeInteger(ANNOUNCED), v.minValue(0, ANNOUNCED))

/** What the page says it will send (`POST /upload`), before it sends anything; a folder when no kind is said. */
export const UPLOAD_PLAN = v.object(
  {
    // First: a wrong kind is the refusal named, whatever the numbers.
    kind: v.nullish(v.picklist(UPLOAD_KINDS, (issue) => `an upload is of a folder, a project or a model, not ${JSON.stringify(String(issue.input)).slice(0, 40)}`), 'folder'),
    files: count,
    bytes: count,
  },
  ANNOUNCED,
)
export type UploadPlan = v.InferInput<typeof UPLOAD_PLAN>

/** The page's upload plan checked, or the reason it is refused. */
export function parseUploadPlan(plan: unknown): v.InferOutput<typeof UPLOAD_PLAN> | { readonly refused: string } {
  const result = v.safeParse(UPLOAD_PLAN, plan, { abortEarly: true })
  return result.success ? result.output : { refused: result.issues[0].message }
}

/** A request from the page over the socket: call `name` with `args`; the reply carries the same `id`. */
export const SOCKET_REQUEST = v.object({ id: v.pipe(v.number(), v.safeInteger()), name: v.string(), args: v.optional(v.unknown()) })
export type SocketRequest = v.InferOutput<typeof SOCKET_REQUEST>

/** What the server sends over the socket: a reply to one request, or an event for every page. */
export type SocketReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string }
  | { readonly event: AppEvent }
