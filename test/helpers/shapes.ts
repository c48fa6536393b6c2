import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { Random } from '../../src/main/engine/random'

/** Ten classes of drawn shapes — labels that are not digits, for a starting point's body under a fresh head. */
export const SHAPES = ['circle', 'square', 'triangle', 'x-cross', 'plus', 'bar', 'pillar', 'slash', 'wave', 'dot-ring'] as const
type Shape = (typeof SHAPES)[number]

/** Distance from the point (x, y) to the segment a–b. */
function toSegment(x: number, y: number, [ax, ay]: number[], [bx, by]: number[]): number {
  const [dx, dy] = [bx - ax, by - ay]
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(x - ax - t * dx, y - ay - t * dy)
}

/** How far (in pixels) the point is from the shape's stroke, for a shape of radius r centred at the origin. */
function distance(shape: Shape, x: number, y: number, r: number): number {
  const polyline = (points: number[][]): number => Math.min(...points.slice(1).map((p, i) => toSegment(x, y, points[i], p)))
  switch (shape) {
    case 'circle':
      return Math.abs(Math.hypot(x, y) - r)
    case 'square':
      return polyline([[-r, -r], [r, -r], [r, r], [-r, r], [-r, -r]])
    case 'triangle':
      return polyline([[0, -r], [r, r * 0.8], [-r, r * 0.8], [0, -r]])
    case 'x-cross':
      return Math.min(toSegment(x, y, [-r, -r], [r, r]), toSegment(x, y, [-r, r], [r, -r]))
    case 'plus':
      return Math.min(toSegment(x, y, [-r, 0], [r, 0]), toSegment(x, y, [0, -r], [0, r]))
    case 'bar':
      return toSegment(x, y, [-r, 0], [r, 0])
    case 'pillar':
      return Math.min(toSegment(x, y, [0, -r], [0, r]), toSegment(x, y, [-r / 2, -r], [r / 2, -r]), toSegment(x, y, [-r / 2, r], [r / 2, r]))
    case 'slash':
      return toSegment(x, y, [-r * 0.7, r], [r * 0.7, -r])
    case 'wave':
      return polyline(Array.from({ length: 9 }, (_, i) => [-r + (i * r) / 4, (i % 2 === 0 ? -1 : 1) * r * 0.4]))
    case 'dot-ring':
      return Math.min(Math.abs(Math.hypot(x, y) - r), Math.hypot(x, y))
  }
}

/** One 28×28 drawing of a shape, its size, place, angle and stroke drawn from `random`. */
export function drawShape(shape: Shape, random: Random): Uint8Array {
  const r = 6 + random.uniform() * 4
  const [cx, cy] = [13.5 + (random.uniform() - 0.5) * 4, 13.5 + (random.uniform() - 0.5) * 4]
  const angle = (random.uniform() - 0.5) * 0.5
  const width = 0.8 + random.uniform() * 1.2
  const pixels = new Uint8Array(28 * 28)
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const [dx, dy] = [x - cx, y - cy]
      const [u, v] = [Math.cos(angle) * dx + Math.sin(angle) * dy, -Math.sin(angle) * dx + Math.cos(angle) * dy]
      const d = distance(shape, u, v, r)
      pixels[y * 28 + x] = Math.round(255 * Math.max(0, Math.min(1, width + 0.5 - d)))
    }
  }
  return pixels
}

/** A folder of class folders, one per shape, `perClass` PNG drawings each (seeded: the same seed, the same folder). */
export async function writeShapeFolder(root: string, perClass: number, seed: number): Promise<string> {
  const random = new Random(seed)
  for (const shape of SHAPES) {
    await mkdir(join(root, shape), { recursive: true })
    for (let i = 0; i < perClass; i++) {
      const pixels = drawShape(shape, random)
      await sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, shape, `${i}.png`))
    }
  }
  return root
}
