// The built renderer's files, read for both ways of serving it: app:// in the desktop app (security/) and HTTP (web/).
import { readFile, stat } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
}

/** A file to send: its bytes and content type. */
export interface StaticFile {
  readonly body: Buffer
  readonly contentType: string
}

/**
 * The file under `root` that a URL path names, or null. Paths that climb out of `root` (`..`,
 * encoded or not), hidden files and anything but regular files are refused.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0])
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.split('/').some((part) => part.startsWith('.'))) return null
  const base = resolve(root)
  const path = resolve(base, `.${decoded === '/' ? '/index.html' : decoded}`)
  if (path !== base && !path.startsWith(base + sep)) return null
  const info = await stat(path).catch(() => null)
  if (!info?.isFile()) return null
  return { body: await readFile(path), contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' }
}
