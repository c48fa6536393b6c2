/**
 * Which files a dataset is made of, told by their names: what the importer reads, and what a file
 * dropped or chosen in the app must be to open as data.
 */

/** Extensions sharp is asked to decode (any case). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.jpe', '.jfif', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp']

/** MNIST's IDX image and label files, gzipped or not, named with a shared prefix (`train-images-idx3-ubyte` + `train-labels-idx1-ubyte`). */
export const IDX_IMAGES = /^(.*?)[-.]?images[-.]idx3-ubyte(\.gz)?$/i
export const IDX_LABELS = /^(.*?)[-.]?labels[-.]idx1-ubyte(\.gz)?$/i

/** The lowercase extension of a name, with its dot ('' if none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot <= 0 ? '' : name.slice(dot).toLowerCase()
}

/** Whether a file name says "image" (by extension, any case) — not counting macOS `._` shadow files. */
export function isImageName(name: string): boolean {
  return !name.startsWith('._') && IMAGE_EXTENSIONS.includes(extensionOf(name))
}

/** Whether a file name is an IDX image or label file, gzipped or not. */
export function isIdxName(name: string): boolean {
  return IDX_IMAGES.test(name) || IDX_LABELS.test(name)
}

/** Whether a file is data the importer reads: an image, a pixel CSV or an IDX file. */
export function isDatasetFileName(name: string): boolean {
  return isImageName(name) || extensionOf(name) === '.csv' || isIdxName(name)
}
