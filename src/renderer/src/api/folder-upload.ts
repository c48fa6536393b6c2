import { UPLOAD_TOKEN_HEADER, type UploadKind, type UploadPlan } from '../../../shared/browser-protocol'
import { errorText } from '../lib/error-text'

/** A file to upload and its path inside the folder (the folder's own name first, as `webkitRelativePath` gives it). */
export interface FolderFile {
  readonly path: string
  readonly file: File
}

/** Files sent side by side: enough to hide each request's round trip, few enough to keep memory small. */
const PARALLEL = 4

async function post<T>(url: string, init: RequestInit, token: string): Promise<T> {
  const response = await fetch(url, { ...init, headers: { ...init.headers, [UPLOAD_TOKEN_HEADER]: token }, cache: 'no-store' })
  const body = (await response.json().catch(() => ({ error: `the upload failed (HTTP ${response.status})` }))) as T & { error?: string }
  if (!response.ok) throw new Error(body.error ?? `the upload failed (HTTP ${response.status})`)
  return body
}

/**
 * Browser mode: send a folder's files to Digit Lab on this machine, one streamed request per file
 * (never the whole folder in memory), into a fresh temporary folder there; resolves to the path the
 * importer should open. `onProgress` hears the files sent so far.
 */
export async function uploadFolder(files: readonly FolderFile[], onProgress: (done: number, total: number) => void, kind: UploadKind = 'folder'): Promise<string> {
  const token = new URLSearchParams(window.location.search).get('token') ?? ''
  const bytes = files.reduce((sum, entry) => sum + entry.file.size, 0)
  const { id } = await post<{ id: string }>('/upload', { method: 'POST', body: JSON.stringify({ files: files.length, bytes, kind } satisfies UploadPlan) }, token)
  let next = 0
  let done = 0
  onProgress(0, files.length)
  // The first refusal ends the upload: the other senders stop, their requests cancelled.
  const failed = new AbortController()
  const sender = async (): Promise<void> => {
    while (next < files.length && !failed.signal.aborted) {
      const entry = files[next++]
      await post(`/upload/${id}?${new URLSearchParams({ path: entry.path })}`, { method: 'PUT', body: entry.file, signal: failed.signal }, token)
      onProgress(++done, files.length)
    }
  }
  const senders = Array.from({ length: Math.min(PARALLEL, files.length) }, () => sender().catch((error: unknown) => (failed.abort(), Promise.reject(error))))
  await Promise.all(senders)
  return (await post<{ path: string }>(`/upload/${id}/done`, { method: 'POST' }, token)).path
}

/**
 * Browser mode: send one file to open (a `.digitlab` project, an `.onnx` model) the same way, streamed,
 * then `open` the copy on this machine (`onUploaded` hears when the upload is done). A refusal names the
 * file as the person chose it, not by the temporary copy's path they never saw. Resolves to the copy's path.
 */
export async function uploadAndOpen(file: File, kind: Exclude<UploadKind, 'folder'>, open: (path: string) => Promise<void>, onUploaded: () => void): Promise<string> {
  const path = await uploadFolder([{ path: file.name, file }], () => undefined, kind)
  onUploaded()
  await open(path).catch((error: unknown) => Promise.reject(new Error(errorText(error))))
  return path
}
