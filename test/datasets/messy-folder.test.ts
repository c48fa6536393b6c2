import { truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { importDataset, type ImportResult } from '../../src/main/datasets'
import { tempFolderSync } from '../helpers/temp-folder'
import { grayInput, inkOnTransparent, makeOddities, pngBomb, strokeImage, writeFiles } from './fixtures'

const folder = tempFolderSync('messy')
const root = join(folder, 'digits')
const light28 = strokeImage(28, 28, true)
const dark28 = strokeImage(28, 28, false)

/** Horizontal stroke (the vertical one turned), for a file whose EXIF says "rotate 90° to view". */
function sideways(width: number, height: number): Uint8Array {
  const upright = strokeImage(height, width, true)
  const turned = new Uint8Array(width * height)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) turned[y * width + x] = upright[x * height + (height - 1 - y)]
  return turned
}

/** Every format and flavour sharp reads, in both polarities; each is a stroke digit. */
const GOOD: Record<string, () => Promise<Buffer>> = {
  '3/light.png': () => grayInput(light28, 28, 28).toColourspace('b-w').png().toBuffer(),
  '3/dark-on-white.PNG': () => grayInput(dark28, 28, 28).toColourspace('b-w').png().toBuffer(),
  '3/photo.jpg': () => grayInput(strokeImage(40, 30, false), 40, 30).jpeg().toBuffer(),
  '3/PHOTO2.JPEG': () => grayInput(strokeImage(64, 64, true), 64, 64).jpeg({ quality: 70 }).toBuffer(),
  '3/lossless.webp': () => grayInput(strokeImage(28, 28, true), 28, 28).webp({ lossless: true }).toBuffer(),
  '3/lossy.WebP': () => grayInput(strokeImage(50, 50, false), 50, 50).webp().toBuffer(),
  '3/still.gif': () => grayInput(strokeImage(28, 28, false), 28, 28).gif().toBuffer(),
  '3/scan.tiff': () => grayInput(strokeImage(32, 32, false), 32, 32).tiff().toBuffer(),
  '3/scan2.TIF': () => grayInput(strokeImage(20, 20, true), 20, 20).tiff({ compression: 'lzw' }).toBuffer(),
  '3/modern.avif': () => grayInput(strokeImage(48, 48, false), 48, 48).avif().toBuffer(),
  '3/black-ink-on-transparent.png': () => inkOnTransparent(28, 28, 0).png().toBuffer(),
  '3/white-ink-on-transparent.png': () => inkOnTransparent(36, 36, 255).png().toBuffer(),
  '3/sixteen-bit.png': () => grayInput(strokeImage(28, 28, false), 28, 28).toColourspace('grey16').png().toBuffer(),
  '3/palette.png': () => grayInput(strokeImage(30, 30, false), 30, 30).toColourspace('srgb').png({ palette: true }).toBuffer(),
  '3/one-bit.png': () => grayInput(strokeImage(28, 28, false), 28, 28).png({ palette: true, colours: 2 }).toBuffer(),
  '3/tall-odd.png': () => grayInput(strokeImage(13, 57, true), 13, 57).png().toBuffer(),
  '3/wide-odd.png': () => grayInput(strokeImage(91, 17, false), 91, 17).png().toBuffer(),
  '3/tiny.png': () => grayInput(strokeImage(7, 7, true), 7, 7).png().toBuffer(),
  '3/rotated-by-exif.jpg': () => grayInput(sideways(60, 40), 60, 40).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer(),
  '3/red-ink.png': () =>
    sharp({ create: { width: 28, height: 28, channels: 3, background: '#ffffff' } })
      .composite([{ input: Buffer.from('<svg width="28" height="28"><rect x="10" y="6" width="8" height="16" fill="#c00000"/></svg>') }])
      .png()
      .toBuffer(),
  '3/animated.gif': async () => {
    const frames = [strokeImage(28, 28, false), new Uint8Array(784)].map((f) => grayInput(f, 28, 28).png().toBuffer())
    return sharp(await Promise.all(frames), { join: { animated: true } }).gif().toBuffer()
  },
  '7/a.png': () => grayInput(light28, 28, 28).toColourspace('b-w').png().toBuffer(),
  '7/b.jpg': () => grayInput(strokeImage(28, 28, false), 28, 28).jpeg().toBuffer(),
}

const NON_UTF8_NAME = Buffer.concat([Buffer.from(join(root, '7') + '/'), Buffer.from([0xff, 0xfe, 0x2d]), Buffer.from('latin1.png')])

/** Bad entries in a label folder, each with the reason it must be skipped for. */
const BAD: Record<string, RegExp> = {
  '3/empty.png': /^empty file \(0 bytes\)$/,
  '3/truncated.png': /^corrupt or truncated image/,
  '3/corrupt.jpg': /^corrupt or truncated image|^not an image/,
  '3/text.png': /^not an image Digit Lab can read/,
  '3/.DS_Store': /^system file/,
  '3/Thumbs.db': /^system file/,
  '3/._light.png': /resource-fork/,
  '3/notes.txt': /^not an image file \(\.txt\)$/,
  '3/old.bmp': /^corrupt BMP: unknown header size 0$/,
  '3/bomb.png': /^image too large: 20000×20000 pixels is over the 4096×4096 limit/,
  '3/huge.png': /^file too large for a digit image/,
  '3/fifo.png': /^not a regular file \(a named pipe\)$/,
  '3/dangling.png': /^broken symbolic link$/,
  '3/loop-a.png': /^symbolic link loop$/,
  '3/loop-b.png': /^symbolic link loop$/,
  '3/up': /^link to a folder: not followed$/,
  '3/folder.png/': /^folder inside a label folder/,
  '3/nested/': /^folder inside a label folder/,
  'stray.png': /^image outside a label folder/,
  'README.txt': /^not an image file/,
  '__MACOSX/': /^system or hidden folder/,
  'empty-class/': /^label folder with no images/,
}

let result: ImportResult

beforeAll(async () => {
  await writeFiles(root, Object.fromEntries(Object.entries(GOOD).map(([name, make]) => [name, make()])))
  writeFileSync(NON_UTF8_NAME, await grayInput(light28, 28, 28).png().toBuffer())
  const png = await grayInput(light28, 28, 28).png().toBuffer()
  await writeFiles(root, {
    '3/empty.png': '',
    '3/truncated.png': png.subarray(0, Math.floor(png.length / 2)),
    '3/corrupt.jpg': Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 0x5a)]),
    '3/text.png': 'this is not a picture of a digit\n',
    '3/.DS_Store': Buffer.alloc(64, 1),
    '3/Thumbs.db': Buffer.alloc(64, 2),
    '3/._light.png': Buffer.alloc(82, 3),
    '3/notes.txt': 'the sevens are from Anna',
    '3/old.bmp': Buffer.concat([Buffer.from('BM'), Buffer.alloc(120)]),
    '3/bomb.png': pngBomb(20000),
    '3/huge.png': '',
    '3/nested/inner.png': png,
    'stray.png': png,
    'README.txt': 'digits',
    '__MACOSX/3/._light.png': Buffer.alloc(10),
    'empty-class/notes.txt': 'nothing here',
  })
  truncateSync(join(root, '3/huge.png'), 80 * 1024 * 1024)
  makeOddities(join(root, '3'))
  result = await importDataset(root, { seed: 1 })
})


const sources = (): string[] => [...result.sources.train, ...result.sources.valid]
const imageOf = (file: string): Uint8Array => {
  for (const split of ['train', 'valid'] as const) {
    const row = result.sources[split].indexOf(file)
    if (row >= 0) return result.dataset[split].pixels.subarray(row * 784, (row + 1) * 784)
  }
  throw new Error(`${file} was not imported`)
}

describe('a folder from the wild: every format in, every bad file out with its reason', () => {
  it('imports every good image, whatever its format, and only those', () => {
    expect(result.dataset.labelNames).toEqual(['3', '7'])
    expect(sources().sort()).toEqual([...Object.keys(GOOD), '7/\\xff\\xfe-latin1.png'].sort())
    expect(result.dataset.train.count + result.dataset.valid.count).toBe(Object.keys(GOOD).length + 1)
  })

  it('skips every bad entry with its one-line reason, and nothing else', () => {
    const byFile = new Map(result.skipped.map((s) => [s.file, s.reason]))
    for (const [file, reason] of Object.entries(BAD)) {
      expect(byFile.get(file), file).toMatch(reason)
    }
    const expected = new Set(Object.keys(BAD))
    const unexpected = result.skipped.filter((s) => !expected.has(s.file) && !s.file.startsWith('__MACOSX/') && !s.file.startsWith('empty-class/') && !s.file.startsWith('3/folder.png/') && !s.file.startsWith('3/nested/'))
    expect(unexpected).toEqual([])
    for (const skip of result.skipped) expect(skip.reason).not.toMatch(/\n/)
  })

  it('brings every image to MNIST polarity: a bright stroke on a black background', () => {
    for (const file of sources()) {
      const image = imageOf(file)
      const at = (x: number, y: number): number => image[y * 28 + x]
      expect(at(14, 14), `${file}: centre`).toBeGreaterThan(120)
      for (const [x, y] of [[0, 0], [27, 0], [0, 27], [27, 27], [2, 14], [25, 14]]) expect(at(x, y), `${file}: (${x}, ${y})`).toBeLessThan(40)
    }
  })

  it('keeps a 28×28 gray PNG exactly, and inverts a dark-on-white one exactly', () => {
    expect(Array.from(imageOf('3/light.png'))).toEqual(Array.from(light28))
    expect(Array.from(imageOf('3/dark-on-white.PNG'))).toEqual(Array.from(light28))
    expect(Array.from(imageOf('3/lossless.webp'))).toEqual(Array.from(light28))
    expect(Array.from(imageOf('3/sixteen-bit.png'))).toEqual(Array.from(light28))
    expect(result.inverted).toBeGreaterThanOrEqual(10)
  })

  it('reads the first frame of an animation and honours EXIF orientation', () => {
    expect(imageOf('3/animated.gif')[14 * 28 + 14]).toBeGreaterThan(200)
    const turned = imageOf('3/rotated-by-exif.jpg')
    expect(turned[8 * 28 + 14]).toBeGreaterThan(120) // the stroke stands upright: its top is bright…
    expect(turned[14 * 28 + 5]).toBeLessThan(40) // …and left of it is background
  })

  it('letterboxes odd sizes: the aspect ratio is kept and the bars are background', () => {
    const tall = imageOf('3/tall-odd.png')
    for (let y = 0; y < 28; y++) expect(tall[y * 28 + 3]).toBe(0)
    const wide = imageOf('3/wide-odd.png')
    for (let x = 0; x < 28; x++) expect(wide[3 * 28 + x]).toBe(0)
  })
})
