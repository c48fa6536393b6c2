// `npm run icons`: every icon file the installers need, rendered from the one committed build/icon.svg with sharp —
// build/icons/<n>x<n>.png (Linux), build/icon.ico (Windows: PNG images in an ICO container) and build/icon.icns
// (macOS: PNG images in an ICNS container). The outputs are made at build time (npm run dist) and kept out of git.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024]
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
/** ICNS element types that hold a PNG, with its pixel size. */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic07', 128],
  ['ic12', 64],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
]

/** An ICO file holding each PNG as is (Windows Vista and later read PNG entries). */
export function icoContainer(images) {
  const header = Buffer.alloc(6 + 16 * images.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(images.length, 4)
  let offset = header.length
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i
    header.writeUInt8(size >= 256 ? 0 : size, entry)
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1)
    header.writeUInt16LE(1, entry + 4)
    header.writeUInt16LE(32, entry + 6)
    header.writeUInt32LE(png.length, entry + 8)
    header.writeUInt32LE(offset, entry + 12)
    offset += png.length
  })
  return Buffer.concat([header, ...images.map((image) => image.png)])
}

/** An ICNS file: 'icns', its total length, then one (type, length, PNG) element per image, lengths big-endian. */
export function icnsContainer(elements) {
  const parts = elements.map(({ type, png }) => {
    const head = Buffer.alloc(8)
    head.write(type, 0, 'latin1')
    head.writeUInt32BE(png.length + 8, 4)
    return Buffer.concat([head, png])
  })
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'latin1')
  head.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 4)
  return Buffer.concat([head, ...parts])
}

/** Render the SVG at every size and write the icon files into `dir`. */
export async function makeIcons(svgPath, dir) {
  const svg = await readFile(svgPath)
  const cache = new Map()
  const png = (size) => {
    if (!cache.has(size)) cache.set(size, sharp(svg, { density: Math.max(72, (72 * size) / 1024) * 4 }).resize(size, size).png({ compressionLevel: 9 }).toBuffer())
    return cache.get(size)
  }
  await mkdir(join(dir, 'icons'), { recursive: true })
  for (const size of LINUX_SIZES) await writeFile(join(dir, 'icons', `${size}x${size}.png`), await png(size))
  await writeFile(join(dir, 'icon.ico'), icoContainer(await Promise.all(ICO_SIZES.map(async (size) => ({ size, png: await png(size) })))))
  await writeFile(join(dir, 'icon.icns'), icnsContainer(await Promise.all(ICNS_TYPES.map(async ([type, size]) => ({ type, png: await png(size) })))))
  await writeFile(join(dir, 'icon.png'), await png(1024))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const build = fileURLToPath(new URL('../build/', import.meta.url))
  await makeIcons(join(build, 'icon.svg'), build)
  console.log(`icons written to ${build}: icons/*.png, icon.ico, icon.icns, icon.png`)
}
