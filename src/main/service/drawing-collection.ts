import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rm, rmdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import sharp from 'sharp'
import type { CollectionView, CollectTarget, SaveDrawingRequest, SavedDrawing, UndoneDrawing } from '../../shared/collect'
import { isImageName } from '../../shared/dataset-files'
import { errorMessage } from '../../shared/error-message'
import { naturalCompare } from '../datasets/natural'
import { isSystemFolder } from '../datasets/walk'
import { writeFileAtomic } from '../storage/atomic-write'
import { collectionPlace, type CollectionPlace, type OpenFolderInfo, type PlaceOptions } from './collection-place'

/** One drawing this session wrote: the only files undo may delete. */
interface Written {
  readonly target: CollectTarget
  readonly file: string
  readonly label: string
}

/** A new file name no other save shares: the label, when, and random bytes. */
function drawingName(label: string): string {
  const when = new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 15)
  return `${label}-${when}-${randomBytes(4).toString('hex')}.png`
}

/** The images in each visible class folder of `classFolder`, labels in natural order (none when it does not exist). */
async function countClasses(classFolder: string | null): Promise<{ label: string; count: number }[]> {
  if (!classFolder) return []
  const entries = await readdir(classFolder, { withFileTypes: true }).catch(() => [])
  const counts = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory() && !isSystemFolder(entry.name))
      .map(async (entry) => {
        const files = await readdir(join(classFolder, entry.name), { withFileTypes: true }).catch(() => [])
        return { label: entry.name, count: files.filter((file) => file.isFile() && isImageName(file.name) && !file.name.startsWith('.')).length }
      }),
  )
  return counts.sort((a, b) => naturalCompare(a.label, b.label))
}

/** The open dataset's folder, as the collection asks for it each time (it changes as datasets open). */
export type OpenFolderSource = () => OpenFolderInfo | null

/**
 * Drawings kept as data: each a grayscale PNG at the pad's own size in `<label>/` of the personal dataset or of
 * the open folder, written atomically; undo deletes only files this session wrote, last first.
 */
export class DrawingCollection {
  private readonly written: Written[] = []
  /** Label folders this session created: undo removes one again once it is empty. */
  private readonly createdFolders = new Set<string>()

  constructor(private readonly openFolder: OpenFolderSource, private readonly options: PlaceOptions) {}

  /** Where drawings of `target` go, what is there, and what this session may undo. */
  async view(target: CollectTarget): Promise<CollectionView> {
    return this.viewAt(target, await this.place(target))
  }

  /** Where drawings of `target` go now, or why they cannot. */
  place(target: CollectTarget): Promise<CollectionPlace> {
    return collectionPlace(target, this.openFolder(), this.options)
  }

  /** Keep one drawing as `<classFolder>/<label>/<label>-<time>-<random>.png`; refused with the reason when it cannot be. */
  async save(request: SaveDrawingRequest): Promise<SavedDrawing> {
    const pixels = Buffer.from(request.pixels, 'base64')
    if (pixels.length !== request.width * request.height) throw new Error('the drawing does not fill its width × height: nothing was saved')
    if (!pixels.some((value) => value > 0)) throw new Error('the drawing is empty: draw a digit first (nothing was saved)')
    const place = await this.place(request.target)
    if (place.problem !== null) throw new Error(place.problem)
    const folder = join(place.classFolder, request.label)
    const file = join(folder, drawingName(request.label))
    let created: string | null = null
    try {
      const png = await sharp(pixels, { raw: { width: request.width, height: request.height, channels: 1 } }).toColourspace('b-w').png().toBuffer()
      created = (await mkdir(folder, { recursive: true })) ?? null
      await writeFileAtomic(file, png)
    } catch (error) {
      if (created) await rmdir(folder).catch(() => undefined)
      throw new Error(`the drawing could not be saved in ${folder} (${errorMessage(error)}): nothing was written`)
    }
    if (created) this.createdFolders.add(folder)
    this.written.push({ target: request.target, file, label: request.label })
    return { file, label: request.label, ...(await this.viewAt(request.target, place)) }
  }

  /** Delete a drawing this session saved for `target`: `file`, or the last one; a file not ours is refused. */
  async undo(target: CollectTarget, file?: string): Promise<UndoneDrawing> {
    const place = await this.place(target)
    const which = file === undefined ? this.ours(target, place).at(-1) : this.written.find((w) => w.target === target && w.file === file)
    if (!which) {
      throw new Error(file === undefined ? 'no drawing saved in this session to undo' : `${file} was not saved by this session: Digit Lab deletes only drawings it just saved`)
    }
    try {
      await rm(which.file)
    } catch (error) {
      const gone = (error as NodeJS.ErrnoException).code === 'ENOENT'
      if (!gone) throw new Error(`${which.file} could not be deleted (${errorMessage(error)}): it is still there`)
    }
    this.written.splice(this.written.indexOf(which), 1)
    // Only a folder this session made, and only when nothing else is in it (rmdir refuses a folder with files).
    const folder = dirname(which.file)
    if (this.createdFolders.has(folder) && !this.written.some((w) => dirname(w.file) === folder)) {
      await rmdir(folder).then(() => this.createdFolders.delete(folder), () => undefined)
    }
    return { file: which.file, label: which.label, ...(await this.viewAt(target, place)) }
  }

  /** The drawings this session saved where `target` puts them now, oldest first. */
  private ours(target: CollectTarget, place: CollectionPlace): Written[] {
    return this.written.filter((w) => w.target === target && place.classFolder !== null && dirname(dirname(w.file)) === place.classFolder)
  }

  private async viewAt(target: CollectTarget, place: CollectionPlace): Promise<CollectionView> {
    const saved = this.ours(target, place).map((w) => w.file)
    return { target, folder: place.folder, classFolder: place.classFolder, counts: await countClasses(place.classFolder), saved, problem: place.problem }
  }
}
