/** Why an image could not be imported; `message` is the one-line reason shown to people. */
export class ImageError extends Error {
  override readonly name = 'ImageError'
}
