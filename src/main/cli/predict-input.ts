import { stat } from 'node:fs/promises'
import { DatasetError, planImport, type SkippedFile } from '../datasets'
import { decodeImage, ImageError, normalizeGray, readImageFile, type DecodeSettings } from '../datasets/decode'
import { forEachLimited } from '../datasets/pool'
import { isImageName } from '../../shared/dataset-files'
import { skipReason } from '../datasets/folders'
import { errorText, isSystemFolder, listFolder, specialKind, systemFileReason, type FolderEntry } from '../datasets/walk'
import { centreDigit } from '../../shared/centre-digit'

/** One image to classify: where it came from, its label when its folder names one, its 28×28 pixels. */
export interface PredictImage {
  readonly file: string
  readonly label: string | null
  readonly pixels: Uint8Array
}

export interface PredictInput {
  readonly images: PredictImage[]
  readonly skipped: SkippedFile[]
}

/** A file to decode, before decoding. */
interface Pending {
  readonly path: Buffer
  readonly file: string
  readonly label: string | null
  readonly bytes: number
}

/** The app's import settings: polarity read from each image's border, letterboxed to 28×28. */
const SETTINGS: DecodeSettings = { polarity: 'auto', resize: 'letterbox' }

/** Images directly in `folder`, labelled `label`; anything else is skipped with its reason. */
async function imagesIn(folder: Buffer, relative: string, label: string | null, skipped: SkippedFile[]): Promise<{ files: Pending[]; folders: FolderEntry[] }> {
  const files: Pending[] = []
  const folders: FolderEntry[] = []
  for (const entry of await listFolder(folder, relative)) {
    if (entry.kind === 'folder' && !isSystemFolder(entry.name)) folders.push(entry)
    else if (entry.kind === 'file' && isImageName(entry.name)) files.push({ path: entry.path, file: entry.relative, label, bytes: entry.size })
    else if (entry.kind === 'file') skipped.push({ file: entry.relative, reason: systemFileReason(entry.name) ?? 'not an image file' })
    else if (entry.kind !== 'folder') skipped.push({ file: entry.relative, reason: skipReason(entry, 'label') ?? 'not read' })
  }
  return { files, folders }
}

/**
 * A folder in no layout the importer knows (loose images, or a single label folder): its loose
 * images unlabelled, and each subfolder's images labelled with the subfolder's name.
 */
async function looseImages(root: string, skipped: SkippedFile[]): Promise<Pending[]> {
  const top = await imagesIn(Buffer.from(root), '', null, skipped)
  const nested = await Promise.all(top.folders.map((folder) => imagesIn(folder.path, folder.relative, folder.name, skipped)))
  return [...top.files, ...nested.flatMap((n) => n.files)]
}

/**
 * The images a folder holds, found as the app's importer finds them (class folders, train/valid
 * folders, CSV, IDX), each labelled with its class; any other folder is read loose.
 */
async function folderImages(root: string, skipped: SkippedFile[], rows: PredictImage[]): Promise<Pending[]> {
  let plan
  try {
    plan = await planImport(root)
  } catch (error) {
    if (error instanceof DatasetError) return looseImages(root, skipped)
    throw error
  }
  skipped.push(...plan.skipped)
  for (const table of plan.tables) {
    const size = table.width * table.height
    for (let row = 0; row < table.count; row++) {
      const image = await normalizeGray(table.pixels.subarray(row * size, (row + 1) * size), table.width, table.height, SETTINGS)
      rows.push({ file: table.rowName(row), label: plan.labelNames[table.labels[row]], pixels: image.pixels })
    }
  }
  return plan.files.map((f) => ({ path: f.path, file: f.file, label: plan.labelNames[f.label], bytes: f.bytes }))
}

/**
 * Everything `digit-lab predict` classifies: one image file, or every image of a folder, decoded by
 * the app's importer (any format sharp reads, MNIST polarity, 28×28) and, with `centre`, prepared
 * like MNIST (ink box into 20×20, centre of mass at the centre). Unreadable files are skipped with a reason.
 */
export async function readPredictInput(target: string, options: { readonly centre: boolean }): Promise<PredictInput> {
  let info
  try {
    info = await stat(target)
  } catch (error) {
    throw new Error(`cannot open ${target} (${errorText(error)}): give an image file or a folder of images`)
  }
  // A FIFO, socket or device would otherwise pass as a file of 0 bytes ("empty file").
  if (!info.isDirectory() && !info.isFile()) throw new Error(`${target} is ${specialKind(info)}, not an image file: give an image file or a folder of images`)
  const skipped: SkippedFile[] = []
  const images: PredictImage[] = []
  const pending = info.isDirectory()
    ? await folderImages(target, skipped, images)
    : [{ path: Buffer.from(target), file: target, label: null, bytes: info.size }]
  const decoded: (PredictImage | null)[] = new Array(pending.length).fill(null)
  await forEachLimited(pending, 8, async (item, i) => {
    try {
      const image = await decodeImage(await readImageFile(item.path, item.bytes), SETTINGS)
      decoded[i] = { file: item.file, label: item.label, pixels: image.pixels }
    } catch (error) {
      skipped.push({ file: item.file, reason: error instanceof ImageError ? error.message : `could not be decoded: ${errorText(error)}` })
    }
  }, () => undefined)
  const all = [...decoded.filter((image): image is PredictImage => image !== null), ...images]
  const prepared = options.centre ? all.map((image) => ({ ...image, pixels: centreDigit(image.pixels, 28, 28) })) : all
  return { images: prepared, skipped: skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) }
}
