import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
// @ts-expect-error -- a plain .mjs script with no type declarations
import { makeIcons } from '../../scripts/make-icons.mjs'
import { tempFolder } from '../helpers/temp-folder'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const sizeOfPng = async (png: Buffer) => {
  const { width, height, format } = await sharp(png).metadata()
  return { width, height, format }
}

describe('the icons made from build/icon.svg', () => {
  it('are Linux PNGs of every size, an ICO and an ICNS whose every image is the PNG of its size', async () => {
    const dir = await tempFolder('icons')
    await (makeIcons as (svg: string, dir: string) => Promise<void>)('build/icon.svg', dir)

    const pngs = (await readdir(join(dir, 'icons'))).sort((a, b) => parseInt(a) - parseInt(b))
    expect(pngs).toEqual(['16x16.png', '32x32.png', '48x48.png', '64x64.png', '128x128.png', '256x256.png', '512x512.png', '1024x1024.png'])
    for (const name of pngs) {
      const side = parseInt(name)
      expect(await sizeOfPng(await readFile(join(dir, 'icons', name)))).toEqual({ width: side, height: side, format: 'png' })
    }

    // ICO: reserved 0, type 1, count; 16-byte entries (0 means 256), each pointing at a PNG of that size.
    const ico = await readFile(join(dir, 'icon.ico'))
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1])
    const count = ico.readUInt16LE(4)
    expect(count).toBe(7)
    for (let i = 0; i < count; i++) {
      const entry = 6 + 16 * i
      const side = ico.readUInt8(entry) || 256
      const [length, offset] = [ico.readUInt32LE(entry + 8), ico.readUInt32LE(entry + 12)]
      const png = ico.subarray(offset, offset + length)
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
      expect(await sizeOfPng(png)).toEqual({ width: side, height: side, format: 'png' })
    }
    expect(ico.readUInt32LE(6 + 16 * (count - 1) + 12) + ico.readUInt32LE(6 + 16 * (count - 1) + 8)).toBe(ico.length)

    // ICNS: 'icns' and the file's length, then (type, length with its 8-byte head, PNG) elements to the end.
    const icns = await readFile(join(dir, 'icon.icns'))
    expect(icns.toString('latin1', 0, 4)).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    const sides: Record<string, number> = { icp4: 16, icp5: 32, ic11: 32, ic12: 64, ic07: 128, ic08: 256, ic13: 256, ic09: 512, ic14: 512, ic10: 1024 }
    const seen: string[] = []
    for (let at = 8; at < icns.length; ) {
      const type = icns.toString('latin1', at, at + 4)
      const length = icns.readUInt32BE(at + 4)
      expect(await sizeOfPng(icns.subarray(at + 8, at + length))).toEqual({ width: sides[type], height: sides[type], format: 'png' })
      seen.push(type)
      at += length
    }
    expect(seen.sort()).toEqual(Object.keys(sides).sort())
  })
})
