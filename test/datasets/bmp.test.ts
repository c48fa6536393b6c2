import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeBmp } from '../../src/main/datasets/bmp'
import { decodeImage, ImageError, MAX_INPUT_PIXELS } from '../../src/main/datasets/decode'

// Written by Pillow and ImageMagick: test/fixtures/bmp/make_bmp_fixtures.py.
const FIXTURES = join(__dirname, '../fixtures/bmp')
const fixture = (name: string): Promise<Buffer> => readFile(join(FIXTURES, name))
const AUTO = { polarity: 'auto', resize: 'letterbox' } as const

/** sharp's RGBA pixels of a PNG: what a BMP of the same drawing must decode to. */
async function pngRgba(name: string): Promise<number[]> {
  const { data } = await sharp(await fixture(name)).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  return Array.from(data)
}

describe('reading BMP files, which sharp cannot', () => {
  it.each([
    ['rgb24.bmp', 'reference.png'],
    ['topdown24.bmp', 'reference.png'],
    ['rgba32.bmp', 'reference.png'],
    ['os2.bmp', 'reference.png'],
    ['palette8.bmp', 'reference.png'],
    ['palette4.bmp', 'reference.png'],
    ['mono1.bmp', 'mono1.png'],
    ['argb32.bmp', 'ink-alpha.png'],
  ])('%s decodes to the pixels of %s', async (bmp, png) => {
    const image = decodeBmp(await fixture(bmp), MAX_INPUT_PIXELS)
    expect([image.width, image.height]).toEqual([21, 17])
    expect(Array.from(image.data)).toEqual(await pngRgba(png))
  })

  it('a 16-bit 5-6-5 BMP decodes to within one step of its 5-bit channels', async () => {
    const image = decodeBmp(await fixture('rgb565.bmp'), MAX_INPUT_PIXELS)
    const expected = await pngRgba('reference.png')
    const worst = Math.max(...Array.from(image.data, (value, i) => Math.abs(value - expected[i])))
    expect(worst).toBeLessThanOrEqual(Math.ceil(255 / 31))
    expect(worst).toBeGreaterThan(0) // the file really is 16-bit
  })

  it('imports as the same 28×28 digit as the PNG of the drawing', async () => {
    const reference = await decodeImage(await fixture('reference.png'), AUTO)
    for (const name of ['rgb24.bmp', 'topdown24.bmp', 'os2.bmp', 'palette8.bmp']) {
      const decoded = await decodeImage(await fixture(name), AUTO)
      expect(Array.from(decoded.pixels), name).toEqual(Array.from(reference.pixels))
      expect(decoded.inverted).toBe(reference.inverted)
    }
    const ink = await decodeImage(await fixture('argb32.bmp'), AUTO)
    expect(Array.from(ink.pixels)).toEqual(Array.from((await decodeImage(await fixture('ink-alpha.png'), AUTO)).pixels))
  })

  it('refuses broken and oversized files with a reason, before allocating pixels', async () => {
    const truncated = await fixture('truncated.bmp')
    await expect(decodeImage(truncated, AUTO)).rejects.toThrow(new ImageError('corrupt or truncated BMP: the file ends inside its pixels'))
    await expect(decodeImage(truncated.subarray(0, 20), AUTO)).rejects.toThrow(/truncated BMP: the file ends inside its header/)

    const huge = Buffer.from(await fixture('rgb24.bmp'))
    huge.writeInt32LE(30000, 18)
    huge.writeInt32LE(30000, 22)
    await expect(decodeImage(huge, AUTO)).rejects.toThrow('image too large: 30000×30000 pixels is over the 4096×4096 limit (refused before decoding)')

    const rle = Buffer.from(await fixture('palette8.bmp'))
    rle.writeUInt32LE(1, 30)
    await expect(decodeImage(rle, AUTO)).rejects.toThrow(/run-length compressed BMP.*save it as PNG/)

    const flat = Buffer.from(await fixture('rgb24.bmp'))
    flat.writeInt32LE(0, 18)
    await expect(decodeImage(flat, AUTO)).rejects.toThrow('corrupt BMP: it declares 0×17 pixels')
  })
})
