import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { lstat, mkdir, mkdtemp, open, readdir, realpath, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { PROJECT_EXTENSION } from '../../shared/projects'
import { errorMessage } from '../../shared/error-message'
import { parseUploadPlan, type UploadKind, type UploadPlan } from '../../shared/browser-protocol'

/** How much one upload may hold. */
export interface UploadLimits {
  readonly files: number
  /** One file's bytes (a pixel CSV may be large; the importer caps it at 1 GB). */
  readonly fileBytes: number
  readonly totalBytes: number
}

/** Room for all of MNIST as single files, or a pixel CSV as large as the importer reads. */
export const UPLOAD_LIMITS: UploadLimits = { files: 100_000, fileBytes: 1024 ** 3, totalBytes: 2 * 1024 ** 3 }

/** A refused upload request: its message is for the person, its status for HTTP. */
export class UploadError extends Error {
  override readonly name = 'UploadError'
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

const ONE_FILE: Partial<Record<UploadKind, string>> = { project: PROJECT_EXTENSION, model: 'onnx' }

interface Upload {
  readonly id: string
  readonly kind: UploadKind
  /** The private temporary folder the files are written into. */
  readonly root: string
  readonly plan: UploadPlan
  files: number
  bytes: number
  /** Files being written now: the upload is finished only once none is. */
  writing: number
  finished: boolean
}

const MAX_DEPTH = 32
/** An upload folder's name carries the server's process id, so a later server can tell a dead one's leftovers. */
const FOLDER_PREFIX = `digit-lab-upload-`
const OWNED_FOLDER = /^digit-lab-upload-(\d{1,10})-[A-Za-z0-9]{6}$/

/** Whether process `pid` still runs (one of another user's counts: it cannot be signalled, but it is there). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** A size for people: bytes, KB or MB, whichever reads best. */
const sized = (bytes: number): string => (bytes < 10_000 ? `${bytes} bytes` : bytes < 10 * 2 ** 20 ? `${Math.round(bytes / 1024)} KB` : `${Math.round(bytes / 2 ** 20)} MB`)

/**
 * The parts of a relative path a page sent, or an UploadError saying why it cannot be written:
 * absolute paths, `..`, `.`, empty parts, backslashes, NUL and overlong names are refused.
 */
export function uploadPathParts(path: string): string[] {
  const shown = JSON.stringify(path.slice(0, 200))
  if (path.length === 0) throw new UploadError('a file came without a path')
  if (path.includes('\0')) throw new UploadError(`${shown}: a path may not hold a NUL character`)
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw new UploadError(`${shown}: an absolute path cannot be uploaded, only paths inside the folder`)
  if (path.includes('\\')) throw new UploadError(`${shown}: a path may not hold a backslash`)
  const parts = path.split('/')
  if (parts.some((part) => part === '..')) throw new UploadError(`${shown}: ".." would climb out of the uploaded folder`)
  if (parts.some((part) => part === '' || part === '.')) throw new UploadError(`${shown}: a path may not have empty or "." parts`)
  if (parts.length > MAX_DEPTH) throw new UploadError(`${shown}: folders nested over ${MAX_DEPTH} deep`)
  if (parts.some((part) => Buffer.byteLength(part) > 255)) throw new UploadError(`${shown}: a name over 255 bytes`)
  return parts
}

/** Count the bytes going through, failing past `size`. */
function exactly(size: number, path: string): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length
      done(seen > size ? new UploadError(`${path}: more bytes arrived than announced (${size})`) : null, chunk)
    },
    flush(done) {
      done(seen < size ? new UploadError(`${path}: the upload ended after ${seen} of ${size} bytes`) : null)
    },
  })
}

/** Why writing a file failed, for the person. */
function writeProblem(error: unknown, path: string): UploadError {
  if (error instanceof UploadError) return error
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EEXIST') return new UploadError(`${path} was uploaded twice, or is both a file and a folder`, 409)
  if (code === 'ENOTDIR') return new UploadError(`${path}: a part of its path is a file, not a folder`, 409)
  if (code === 'ELOOP') return new UploadError(`${path}: a symbolic link is in the way; uploads write only regular files`, 409)
  return new UploadError(`${path} could not be written: ${errorMessage(error)}`, 500)
}

/**
 * Browser mode's uploads: each into a fresh private temporary folder (mode 0700), file by file as a
 * stream, so memory stays bounded whatever the folder's size. Only regular files are created, never
 * through a symbolic link. The latest upload of each kind is kept: a new one of the same kind, or
 * `close`, removes it.
 */
export class UploadStore {
  readonly #latest = new Map<UploadKind, Upload>()

  constructor(
    private readonly limits: UploadLimits = UPLOAD_LIMITS,
    private readonly parent: string = tmpdir(),
    /**
     * Why an upload of `kind` cannot start now (the service's "a training run is in progress…"), or null: checked
     * before the last upload of that kind is removed, so a page that did not know of the run loses nothing.
     */
    private readonly refusal: (kind: UploadKind) => string | null = () => null,
  ) {}

  /** Start an upload of `plan.files` files, `plan.bytes` bytes in all, replacing the last one of its kind; returns its id. */
  async begin(announced: UploadPlan | unknown): Promise<string> {
    const { limits } = this
    const plan = parseUploadPlan(announced)
    if ('refused' in plan) throw new UploadError(plan.refused)
    const { kind } = plan
    const refused = this.refusal(kind)
    if (refused) throw new UploadError(refused, 409)
    const extension = ONE_FILE[kind]
    if (extension && plan.files !== 1) throw new UploadError(`a ${kind} is one .${extension} file, not ${plan.files}`)
    if (plan.files === 0) throw new UploadError('the folder holds no files')
    if (plan.files > limits.files) throw new UploadError(`the folder holds ${plan.files.toLocaleString('en')} files; an upload takes at most ${limits.files.toLocaleString('en')}`, 413)
    if (plan.bytes > limits.totalBytes) throw new UploadError(`the ${kind} holds ${sized(plan.bytes)}; an upload takes at most ${sized(limits.totalBytes)}`, 413)
    const root = await realpath(await mkdtemp(join(this.parent, `${FOLDER_PREFIX}${process.pid}-`)))
    const upload: Upload = { id: randomBytes(12).toString('base64url'), kind, root, plan, files: 0, bytes: 0, writing: 0, finished: false }
    // Swapped in before the last is removed, so two uploads begun at once leave no folder behind.
    const last = this.#latest.get(kind)
    this.#latest.set(kind, upload)
    if (last) await rm(last.root, { recursive: true, force: true })
    return upload.id
  }

  /** Write one file of upload `id` at relative `path` from `body`, which must carry exactly `size` bytes. */
  async write(id: string, path: string, size: number, body: Readable): Promise<void> {
    const upload = this.#open(id)
    const parts = uploadPathParts(path)
    const extension = ONE_FILE[upload.kind]
    if (extension && (parts.length !== 1 || !parts[0].endsWith(`.${extension}`))) throw new UploadError(`${path}: a ${upload.kind} upload is one .${extension} file`)
    if (!Number.isSafeInteger(size) || size < 0) throw new UploadError(`${path}: its size must be announced`, 411)
    if (size > this.limits.fileBytes) throw new UploadError(`${path} is ${sized(size)}; a file may be at most ${sized(this.limits.fileBytes)}`, 413)
    // Counted before the first await, so files written side by side cannot pass the limits together.
    if (upload.files + 1 > upload.plan.files) throw new UploadError(`more files arrived than the ${upload.plan.files} announced`, 413)
    if (upload.bytes + size > upload.plan.bytes) throw new UploadError(`more bytes arrived than the ${sized(upload.plan.bytes)} announced`, 413)
    upload.files += 1
    upload.bytes += size
    upload.writing += 1
    const folder = join(upload.root, ...parts.slice(0, -1))
    const target = join(folder, parts[parts.length - 1])
    let created = false
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 })
      const real = await realpath(folder)
      if (real !== upload.root && !real.startsWith(upload.root + sep)) throw new UploadError(`${path}: its folder leads out of the upload through a symbolic link`)
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
      const file = await open(target, flags, 0o600)
      created = true
      await pipeline(body, exactly(size, path), file.createWriteStream())
    } catch (error) {
      upload.files -= 1
      upload.bytes -= size
      // Only a file this call created is removed: never one that was in the way.
      if (created) await rm(target, { force: true })
      throw writeProblem(error, path)
    } finally {
      upload.writing -= 1
    }
  }

  /** End upload `id` once every announced file has arrived: the folder (or single file) to import. */
  async finish(id: string): Promise<string> {
    const upload = this.#open(id)
    if (upload.files < upload.plan.files || upload.writing > 0) throw new UploadError(`only ${upload.files - upload.writing} of the ${upload.plan.files} announced files arrived`)
    upload.finished = true
    const entries = await readdir(upload.root)
    return entries.length === 1 ? join(upload.root, entries[0]) : upload.root
  }

  /**
   * Remove the upload folders a server that was killed (`kill -9`, a crash) left in `parent`: only folders named by
   * this store, owned by this user, whose process is gone. A live process keeps its folders — another server
   * running beside this one, or an unrelated process that took a dead server's id (its folder then waits).
   * Returns the names removed.
   */
  async removeStale(): Promise<string[]> {
    const removed: string[] = []
    for (const name of await readdir(this.parent)) {
      const owner = OWNED_FOLDER.exec(name)
      if (!owner || processAlive(Number(owner[1]))) continue
      const path = join(this.parent, name)
      const info = await lstat(path).catch(() => null)
      if (!info?.isDirectory() || (process.getuid && info.uid !== process.getuid())) continue
      await rm(path, { recursive: true, force: true })
      removed.push(name)
    }
    return removed
  }

  /** Whether `path` lies inside one of the uploads kept now (a copy of the person's files, not the files). */
  holds(path: string): boolean {
    return [...this.#latest.values()].some((upload) => path === upload.root || path.startsWith(upload.root + sep))
  }

  /** Remove every upload's folder (a new upload replaces its kind's; the server calls this on shutdown). */
  async close(): Promise<void> {
    const all = [...this.#latest.values()]
    this.#latest.clear()
    await Promise.all(all.map((upload) => rm(upload.root, { recursive: true, force: true })))
  }

  #open(id: string): Upload {
    const upload = [...this.#latest.values()].find((held) => held.id === id)
    if (!upload) throw new UploadError('this upload is over: another one replaced it, or the app restarted', 404)
    if (upload.finished) throw new UploadError('this upload is finished; start another to send more files', 409)
    return upload
  }
}
