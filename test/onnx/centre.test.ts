import { describe, expect, it } from 'vitest'
import { centreDigit, centreOfMass, FIELD_SIDE, INK_BOX, MASS_CENTRE } from '../../src/shared/centre-digit'
import { mnistSample } from './helpers'

/** The ink's bounding box of a 28×28 image (pixels above zero): width and height. */
function inkSize(image: Uint8Array): { width: number; height: number } {
  let [x0, y0, x1, y1] = [FIELD_SIDE, FIELD_SIDE, -1, -1]
  image.forEach((v, i) => {
    if (v === 0) return
    const x = i % FIELD_SIDE
    const y = Math.floor(i / FIELD_SIDE)
    ;[x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)]
  })
  return { width: x1 - x0 + 1, height: y1 - y0 + 1 }
}

/** An MNIST digit drawn 4× larger, off-centre, on a big canvas: what a person draws in the app. */
function drawnLarge(digit: Uint8Array, canvasWidth: number, canvasHeight: number, left: number, top: number): Uint8Array {
  const canvas = new Uint8Array(canvasWidth * canvasHeight)
  for (let y = 0; y < 28 * 4; y++) for (let x = 0; x < 28 * 4; x++) canvas[(top + y) * canvasWidth + left + x] = digit[Math.floor(y / 4) * 28 + Math.floor(x / 4)]
  return canvas
}

const correlation = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  const n = a.length
  const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / n
  const [ma, mb] = [mean(a), mean(b)]
  let [ab, aa, bb] = [0, 0, 0]
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb)
    aa += (a[i] - ma) ** 2
    bb += (b[i] - mb) ** 2
  }
  return ab / Math.sqrt(aa * bb)
}

describe('centreDigit, the MNIST preprocessing of a drawing', () => {
  const valid = mnistSample().valid
  const digit = (i: number) => valid.pixels.subarray(i * 784, (i + 1) * 784)

  it('scales the ink into the 20×20 box keeping its aspect ratio, and puts its centre of mass at the centre', () => {
    for (const i of [0, 500, 1500, 2000]) {
      const out = centreDigit(drawnLarge(digit(i), 300, 200, 170, 60), 300, 200)
      const { width, height } = inkSize(out)
      expect(Math.max(width, height)).toBeGreaterThanOrEqual(INK_BOX - 1)
      expect(Math.max(width, height)).toBeLessThanOrEqual(INK_BOX + 1)
      const centre = centreOfMass(out, FIELD_SIDE, FIELD_SIDE)
      expect(Math.abs(centre.x - MASS_CENTRE)).toBeLessThanOrEqual(0.5)
      expect(Math.abs(centre.y - MASS_CENTRE)).toBeLessThanOrEqual(0.5)
    }
  })

  it('turns a large off-centre drawing of an MNIST digit back into (nearly) that digit', () => {
    for (const i of [3, 700, 1100, 1900]) {
      const out = centreDigit(drawnLarge(digit(i), 300, 200, 10, 80), 300, 200)
      expect(correlation(out, digit(i))).toBeGreaterThan(0.9)
    }
  })

  it('leaves most MNIST digits exactly as they are: they were made this way', () => {
    let unchanged = 0
    for (let i = 0; i < valid.count; i++) {
      const original = digit(i)
      if (centreDigit(original, 28, 28).every((v, j) => v === original[j])) unchanged++
    }
    expect(unchanged / valid.count).toBeGreaterThan(0.75)
  })

  it('keeps a thin stroke thin (aspect ratio), and gives an empty field for an empty canvas', () => {
    const stroke = new Uint8Array(50 * 200)
    for (let y = 20; y < 180; y++) for (let x = 22; x < 28; x++) stroke[y * 50 + x] = 255
    const { width, height } = inkSize(centreDigit(stroke, 50, 200))
    expect(height).toBe(INK_BOX)
    expect(width).toBeLessThanOrEqual(2)
    expect(centreDigit(new Uint8Array(100 * 100), 100, 100).every((v) => v === 0)).toBe(true)
  })
})
