import fc from 'fast-check'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeImage, ImageError } from '../../src/main/datasets/decode'
import { borderLevel, padToSquare, toGray, toMnistPolarity } from '../../src/main/datasets/pixels'
import { decodeGrayPng } from '../../src/main/datasets/png-fast'
import { grayInput, grayPngFromRows, grayPngWithFilter, inkOnTransparent, pngBomb, strokeImage } from './fixtures'

const AUTO = { polarity: 'auto', resize: 'letterbox' } as const

async function sharpGray(png: Buffer): Promise<Uint8Array> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
  return Uint8Array.from({ length: info.width * info.height }, (_, i) => data[i * info.channels])
}

describe('decoding one image', () => {
  it("the fast path for plain 28×28 gray PNGs gives sharp's pixels for every PNG filter", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 784, maxLength: 784 }), fc.integer({ min: 0, max: 4 }), async (pixels, filter) => {
        const png = grayPngWithFilter(pixels, 28, 28, filter)
        const fast = decodeGrayPng(png, 28)
        expect(fast).not.toBeNull()
        expect(Array.from(fast!)).toEqual(Array.from(await sharpGray(png)))
        expect(Array.from(fast!)).toEqual(Array.from(pixels))
      }),
      { numRuns: 60 },
    )
  })

  it('the fast path declines anything unusual and leaves it to sharp', async () => {
    const pixels = strokeImage(28, 28, true)
    const png = grayPngWithFilter(pixels, 28, 28, 1)
    const flipped = Buffer.from(png)
    flipped[45] ^= 0x10 // inside IDAT: its CRC no longer matches
    expect(decodeGrayPng(flipped, 28)).toBeNull()
    expect(decodeGrayPng(png.subarray(0, png.length - 20), 28)).toBeNull()
    expect(decodeGrayPng(grayPngWithFilter(strokeImage(27, 28, true), 27, 28, 0), 28)).toBeNull()
    expect(decodeGrayPng(await grayInput(pixels, 28, 28).png().toBuffer(), 28)).toBeNull() // RGB
    expect(decodeGrayPng(await grayInput(pixels, 28, 28).toColourspace('grey16').png().toBuffer(), 28)).toBeNull()
    await expect(decodeImage(flipped, AUTO)).rejects.toThrow(ImageError)
  })

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    const bomb = pngBomb(20000)
    expect(bomb.length).toBeLessThan(64 * 1024)
    const rssBefore = process.memoryUsage().rss
    const error = await decodeImage(bomb, AUTO).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImageError)
    expect((error as Error).message).toMatch(/^image too large: 20000×20000 pixels/)
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 2 ** 20) // 400 MB if it had been decoded
  })

  it('reads polarity from the border, and the override wins', async () => {
    const dark = await grayInput(strokeImage(28, 28, false), 28, 28).png().toBuffer()
    const light = strokeImage(28, 28, true)
    expect(Array.from((await decodeImage(dark, AUTO)).pixels)).toEqual(Array.from(light))
    expect((await decodeImage(dark, AUTO)).inverted).toBe(true)
    const kept = await decodeImage(dark, { polarity: 'light-ink', resize: 'letterbox' })
    expect(kept.inverted).toBe(false)
    expect(kept.pixels[0]).toBe(255)
    const forced = await decodeImage(await grayInput(light, 28, 28).png().toBuffer(), { polarity: 'dark-ink', resize: 'letterbox' })
    expect(forced.pixels[0]).toBe(255)
  })

  it('black ink on a transparent canvas is not lost (it would decode to all zeros unflattened)', async () => {
    const image = await decodeImage(await inkOnTransparent(28, 28, 0).png().toBuffer(), AUTO)
    expect(Array.from(image.pixels)).toEqual(Array.from(strokeImage(28, 28, true)))
  })

  it('the resize mode is a setting: letterbox keeps the whole image, crop keeps the centre, stretch fills', async () => {
    const wide = await grayInput(new Uint8Array(84 * 28).fill(255), 84, 28).png().toBuffer()
    const bright = async (resize: 'letterbox' | 'stretch' | 'crop'): Promise<number> =>
      (await decodeImage(wide, { polarity: 'light-ink', resize })).pixels.filter((v) => v > 0).length
    expect(await bright('letterbox')).toBeLessThan(784 / 2)
    expect(await bright('stretch')).toBe(784)
    expect(await bright('crop')).toBe(784)
  })

  it('names an empty buffer instead of letting sharp throw synchronously', async () => {
    await expect(decodeImage(Buffer.alloc(0), AUTO)).rejects.toThrow('empty file (0 bytes)')
  })
})

describe('a damaged file is skipped with a plain reason, never libvips\' internals', () => {
  it('a JPEG-compressed TIFF with a damaged tile ("Warning treated as error due to failOn setting")', async () => {
    const noise = Uint8Array.from({ length: 60 * 60 * 3 }, (_, i) => (i * 7919) % 251)
    const tiff = Buffer.from(await sharp(noise, { raw: { width: 60, height: 60, channels: 3 } }).tiff({ compression: 'jpeg' }).toBuffer())
    const raw = await sharp(tiff).raw().toBuffer().then(() => 'decodes', (error: Error) => error.message)
    expect(raw, 'the undamaged file decodes').toBe('decodes')
    const reasons = new Set<string>()
    for (let at = 20; at < tiff.length; at += 37) {
      const damaged = Buffer.from(tiff)
      damaged[at] ^= 0x55
      const sharpSays = await sharp(damaged).raw().toBuffer().then(() => '', (error: Error) => error.message)
      if (!/failOn/.test(sharpSays)) continue
      const error = await decodeImage(damaged, AUTO).then(() => null, (e: unknown) => e)
      expect(error).toBeInstanceOf(ImageError)
      reasons.add((error as Error).message)
    }
    expect(reasons.size, 'some byte flips make sharp speak of failOn').toBeGreaterThan(0)
    for (const reason of reasons) {
      expect(reason).not.toMatch(/failOn|Warning treated|error in tile|vips/i)
      expect(reason).toMatch(/^corrupt or truncated image: its image data is damaged; open it in an image editor and save it again/)
    }
  })
})

describe('mutated files never crash the decoder', () => {
  it('random bytes flipped, cut or inserted in real files: an image or an ImageError, nothing else', async () => {
    const stroke = strokeImage(28, 28, false)
    const seeds = await Promise.all([
      grayInput(stroke, 28, 28).toColourspace('b-w').png().toBuffer(),
      grayInput(strokeImage(40, 30, true), 40, 30).png({ palette: true }).toBuffer(),
      grayInput(stroke, 28, 28).jpeg().toBuffer(),
      grayInput(stroke, 28, 28).gif().toBuffer(),
      grayInput(stroke, 28, 28).webp().toBuffer(),
      grayInput(stroke, 28, 28).tiff().toBuffer(),
    ])
    const mutation = fc.record({
      seed: fc.integer({ min: 0, max: seeds.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')), { minLength: 1, maxLength: 4 }),
    })
    await fc.assert(
      fc.asyncProperty(mutation, async ({ seed, edits }) => {
        let bytes = Buffer.from(seeds[seed])
        for (const [position, value, kind] of edits) {
          const at = position % Math.max(1, bytes.length)
          if (kind === 'set') bytes[at] = value
          else if (kind === 'cut') bytes = bytes.subarray(0, at)
          else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([value]), bytes.subarray(at)])
        }
        const outcome = await decodeImage(bytes, AUTO).then(
          (image) => image.pixels.length,
          (error: unknown) => error,
        )
        if (typeof outcome !== 'number') expect(outcome).toBeInstanceOf(ImageError)
        else expect(outcome).toBe(784)
      }),
      { numRuns: 300 },
    )
  })

  it('the fast path with any filtered rows behind valid CRCs: pixels, or null for a bad filter type', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 28 * 29, maxLength: 28 * 29 }), (rows) => {
        for (let y = 0; y < 28; y++) rows[y * 29] %= 6 // filter types 0–4 are valid, 5 is not
        const decoded = decodeGrayPng(grayPngFromRows(rows, 28, 28), 28)
        const badFilter = Array.from({ length: 28 }, (_, y) => rows[y * 29]).some((f) => f > 4)
        expect(decoded === null).toBe(badFilter)
      }),
      { numRuns: 200 },
    )
  })
})

describe('pixel steps', () => {
  it('gray by ITU-R 601 luma; a gray pixel keeps its value', () => {
    expect(Array.from(toGray(Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 77, 77, 77]), 4, 3))).toEqual([76, 150, 29, 77])
  })

  it('the background comes from the median of the border ring', () => {
    const gray = new Uint8Array(16).fill(200)
    gray[5] = gray[6] = gray[9] = gray[10] = 0
    expect(borderLevel(gray, 4, 4)).toBe(200)
    expect(borderLevel(new Uint8Array(16), 4, 4)).toBe(0)
  })

  it('a gray paper background becomes 0 and the levels above it are stretched to 0..255', () => {
    const gray = Uint8Array.from([180, 180, 180, 180, 20, 180, 180, 180, 180])
    expect(toMnistPolarity(gray, 3, 3, 'auto')).toBe(true) // inverted: paper 75, ink 235
    expect(Array.from(gray)).toEqual([0, 0, 0, 0, Math.round(((235 - 75) * 255) / 180), 0, 0, 0, 0])
  })

  it('the letterbox centres the image on zeros', () => {
    const padded = padToSquare(Uint8Array.from([9, 9]), 1, 2, 4)
    expect(Array.from(padded)).toEqual([0, 0, 0, 0, 0, 9, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0])
  })
})
