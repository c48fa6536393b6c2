import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { Random } from '../../src/main/engine/random'

// NOTE: the pad's side and a mouse's pen width, as src/renderer/src/lib/strokes.ts draws them (that file needs the DOM).
export const PAD_SIDE = 280
const PEN_WIDTH = 20

/**
 * Digits drawn in styles of their own, as a person's hand might draw them, for teaching a model one's handwriting:
 * each a few strokes of key points on the Draw view's 280×280 pad. The e2e draws them with the mouse on the real
 * pad (straight moves between the points); `rasterizeStrokes` renders them the way the canvas does for tests in Node.
 */
export type Point = readonly [number, number]
export type StrokePath = readonly Point[]

export interface HandStyle {
  readonly digit: number
  readonly what: string
  readonly strokes: readonly StrokePath[]
}

/** Points along an ellipse from angle a0 to a1 (radians, 0 = right, clockwise on screen). */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number, n = 12): Point[] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = a0 + ((a1 - a0) * i) / n
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as const
  })
}

export const STYLES = {
  /** A 7 with a bar through its stem and a tick down from the top's left end. */
  'seven-bar': { digit: 7, what: 'a 7 with a bar and a tick', strokes: [[[75, 95], [75, 60], [210, 60], [125, 235]], [[105, 150], [205, 150]]] },
  /** A 1 with a long flag and a base. */
  'one-flag-base': { digit: 1, what: 'a 1 with a long flag and a base', strokes: [[[85, 115], [150, 45], [150, 230]], [[85, 230], [215, 230]]] },
  /** A 4 drawn open: the left stroke and the bar, the stem apart from them. */
  'four-open': { digit: 4, what: 'an open 4', strokes: [[[100, 45], [85, 160], [215, 160]], [[175, 95], [175, 245]]] },
  /** A 0 with a slash through it. */
  'zero-slash': { digit: 0, what: 'a slashed 0', strokes: [arc(140, 140, 55, 90, -Math.PI / 2, (3 * Math.PI) / 2, 24), [[200, 40], [80, 240]]] },
  /** A 3 with a flat top, like a Ʒ. */
  'three-flat': { digit: 3, what: 'a flat-topped 3', strokes: [[[80, 55], [195, 55], [120, 130], ...arc(130, 180, 65, 52, -Math.PI / 2, (3 * Math.PI) / 4, 12)]] },
  /** A 2 with a loop at its foot. */
  'two-loop': { digit: 2, what: 'a 2 with a loop', strokes: [[...arc(140, 100, 55, 50, Math.PI, 2.3 * Math.PI, 10), [80, 225], ...arc(110, 205, 30, 22, Math.PI / 2, -Math.PI / 2, 8), [215, 225]]] },
  /** A 9 whose head is a triangle. */
  'nine-triangle': { digit: 9, what: 'a 9 with a triangular head', strokes: [[[190, 60], [90, 70], [185, 135], [190, 60], [190, 240]]] },
  /** A 7 whose top is a curve and whose stem has a curl. */
  'seven-curl': { digit: 7, what: 'a 7 with a curl', strokes: [[[70, 80], [120, 55], [210, 60], [150, 150], [140, 220], [165, 240]]] },
  /** A 1 drawn as a caret and stem, like a ^ on a line. */
  'one-caret': { digit: 1, what: 'a 1 with a roof', strokes: [[[80, 100], [140, 45], [200, 100]], [[140, 45], [140, 235]]] },
  /** An 8 of two circles side by side touching, drawn as a ∞ on end… squashed: two loops, the lower one larger. */
  'eight-open': { digit: 8, what: 'an 8 of two separate circles', strokes: [arc(140, 85, 40, 38, 0, 2 * Math.PI, 16), arc(140, 185, 60, 50, 0, 2 * Math.PI, 16)] },
  /** A 4 like a Cyrillic Ч: two uprights joined by a cup, the right one long. */
  'four-cup': { digit: 4, what: 'a 4 like a Ч', strokes: [[[85, 45], [85, 135], [190, 135]], [[190, 45], [190, 240]]] },
  /** A 2 like a Z with a bar. */
  'two-z': { digit: 2, what: 'a 2 like a barred Z', strokes: [[[75, 60], [200, 60], [75, 225], [210, 225]], [[100, 145], [185, 145]]] },
  /** An 8 as an hourglass of two triangles. */
  'eight-hourglass': { digit: 8, what: 'an 8 as an hourglass', strokes: [[[80, 50], [200, 50], [80, 230], [200, 230], [80, 50]]] },
  /** A 7 as a square hook: the stem straight down from the bar's right end, with a bar. */
  'seven-square': { digit: 7, what: 'a square 7', strokes: [[[70, 55], [195, 55], [195, 240]], [[150, 145], [235, 145]]] },
  /** A 0 drawn as a rectangle. */
  'zero-box': { digit: 0, what: 'a 0 as a box', strokes: [[[90, 50], [190, 50], [190, 230], [90, 230], [90, 50]]] },
  /** A 5 with its flag drawn apart, above a round bowl. */
  'five-apart': { digit: 5, what: 'a 5 with a floating flag', strokes: [[[110, 40], [205, 40]], [[95, 70], [90, 130], ...arc(135, 175, 60, 55, -2.3, 2.3, 12)]] },
  /** A 6 drawn as a spiral in from the top. */
  'six-straight': { digit: 6, what: 'a 6 with a straight back', strokes: [[[170, 45], [95, 150], [95, 230], [185, 230], [185, 160], [95, 160]]] },
  /** A 9 with a square head. */
  'nine-square': { digit: 9, what: 'a 9 with a square head', strokes: [[[190, 55], [90, 55], [90, 135], [190, 135], [190, 55], [190, 240]]] },
  /** A 3 drawn as a backwards E's spine: two bars and a curve-less right side. */
  'three-angular': { digit: 3, what: 'an angular 3', strokes: [[[80, 55], [195, 55], [195, 140], [110, 140]], [[195, 140], [195, 230], [80, 230]]] },
  /** A 1 as a plain stem with a serif at the top left and base — drawn as one zigzag. */
  'one-hook': { digit: 1, what: 'a 1 with a long hooked flag', strokes: [[[60, 140], [145, 45], [145, 235], [110, 235]]] },
  /** A 1 as a Roman I: a stem with a bar on top and a base. */
  'one-roman': { digit: 1, what: 'a 1 as a Roman I', strokes: [[[90, 45], [190, 45]], [[140, 45], [140, 235]], [[90, 235], [190, 235]]] },
  /** A 0 with a dot in the middle. */
  'zero-dot': { digit: 0, what: 'a 0 with a dot', strokes: [arc(140, 140, 60, 90, -Math.PI / 2, (3 * Math.PI) / 2, 24), [[140, 140]]] },
  /** An 8 on its side: two loops side by side. */
  'eight-side': { digit: 8, what: 'an 8 on its side', strokes: [arc(95, 140, 45, 40, 0, 2 * Math.PI, 16), arc(185, 140, 45, 40, Math.PI, 3 * Math.PI, 16)] },
  /** A 6 like a Cyrillic б: a bowl with a flag out to the right. */
  'six-flag': { digit: 6, what: 'a 6 with a flag', strokes: [[[200, 50], [110, 55], [90, 120], ...arc(140, 185, 55, 50, Math.PI, 3 * Math.PI, 16)]] },
  /** A 9 like a g: a loop, then a stem that hooks back left. */
  'nine-g': { digit: 9, what: 'a 9 like a g', strokes: [[...arc(135, 95, 50, 45, 0, 2 * Math.PI, 16), [185, 200], ...arc(135, 200, 50, 40, 0, Math.PI, 8)]] },
  /** A 4 as a triangle with a long tail to the right (like ㄣ). */
  'four-tail': { digit: 4, what: 'a 4 with a tail', strokes: [[[150, 45], [70, 170], [230, 170]], [[150, 45], [150, 240]]] },
  /** A 5 like an S with a flat top. */
  'five-s': { digit: 5, what: 'a 5 like an S', strokes: [[[200, 50], [90, 50], ...arc(140, 95, 50, 45, Math.PI, Math.PI / 2, 6), ...arc(140, 185, 55, 50, -Math.PI / 2, Math.PI, 12)]] },
  /** A 7 with a bar drawn as one stroke: the top, the stem, and a loop back across. */
  'seven-loop': { digit: 7, what: 'a 7 with a looped bar', strokes: [[[70, 55], [205, 55], [145, 150], [95, 150], [190, 150], [140, 240]]] },
  /** A 2 as a question-mark: the hook, then a base drawn apart. */
  'two-apart': { digit: 2, what: 'a 2 in two pieces', strokes: [[...arc(140, 95, 55, 45, Math.PI, 2.5 * Math.PI, 10), [95, 220]], [[70, 235], [215, 235]]] },
  /** A 0 as a diamond. */
  'zero-diamond': { digit: 0, what: 'a 0 as a diamond', strokes: [[[140, 40], [215, 140], [140, 240], [65, 140], [140, 40]]] },
  /** A 4 as a cross with a short arm up from its left end. */
  'four-cross': { digit: 4, what: 'a 4 as a cross', strokes: [[[95, 70], [70, 160], [225, 160]], [[160, 70], [160, 245]]] },
  /** A 7 much wider than tall: a long top, a short stem. */
  'seven-wide': { digit: 7, what: 'a wide 7', strokes: [[[40, 100], [240, 100], [190, 190]]] },
  /** A 6 drawn like a G. */
  'six-g': { digit: 6, what: 'a 6 like a G', strokes: [[...arc(140, 140, 70, 90, -0.4, -Math.PI * 2 + 0.2, 16).reverse().map(([x, y]) => [x, y] as const), [205, 150], [150, 150]]] },
  /** A 3 on its side: like an m with rounded humps, open at the bottom. */
  'three-side': { digit: 3, what: 'a 3 on its side', strokes: [[...arc(100, 150, 40, 45, Math.PI, 2 * Math.PI, 8), ...arc(180, 150, 40, 45, Math.PI, 2 * Math.PI, 8)]] },
  /** A 9 whose triangular head has a stem curling left at the foot. */
  'nine-triangle-curl': { digit: 9, what: 'a 9 with a triangular head and a curl', strokes: [[[190, 60], [90, 70], [185, 135], [190, 60], [190, 220], [160, 245], [120, 235]]] },
} as const satisfies Record<string, HandStyle>

export type StyleName = keyof typeof STYLES

/**
 * One drawing of a style, varied as a hand varies: the whole digit scaled, slanted and moved a little, and every
 * key point moved by a few pixels — the same seed gives the same drawing.
 */
export function jittered(style: HandStyle, seed: number): StrokePath[] {
  const random = new Random(seed)
  const u = (spread: number): number => (random.uniform() * 2 - 1) * spread
  const scale = 1 + u(0.12)
  const slant = u(0.15)
  const dx = u(15)
  const dy = u(12)
  const c = PAD_SIDE / 2
  const clamp = (v: number): number => Math.min(PAD_SIDE - 12, Math.max(12, v))
  return style.strokes.map((stroke) =>
    stroke.map(([x, y]) => {
      const sx = (x - c) * scale + slant * (y - c) + c + dx + u(6)
      const sy = (y - c) * scale + c + dy + u(6)
      return [Math.round(clamp(sx)), Math.round(clamp(sy))] as const
    }),
  )
}

/** The distance from (px, py) to the segment a–b. */
function segmentDistance(px: number, py: number, a: Point, b: Point): number {
  const [ax, ay] = a
  const vx = b[0] - ax
  const vy = b[1] - ay
  const length2 = vx * vx + vy * vy
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / length2))
  return Math.hypot(px - ax - t * vx, py - ay - t * vy)
}

/**
 * Strokes as the pad draws them for a mouse (pen width PEN_WIDTH, round caps and joins), as a PAD_SIDE² gray image,
 * ink 255 on 0, anti-aliased over one pixel — what `rasterize` reads back from the canvas, to within its edge pixels.
 */
export function rasterizeStrokes(strokes: readonly StrokePath[], side = PAD_SIDE): Uint8Array {
  const gray = new Uint8Array(side * side)
  const radius = PEN_WIDTH / 2
  for (const stroke of strokes) {
    const segments = stroke.length === 1 ? [[stroke[0], stroke[0]] as const] : stroke.slice(1).map((p, i) => [stroke[i], p] as const)
    for (const [a, b] of segments) {
      const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - radius - 1))
      const x1 = Math.min(side - 1, Math.ceil(Math.max(a[0], b[0]) + radius + 1))
      const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - radius - 1))
      const y1 = Math.min(side - 1, Math.ceil(Math.max(a[1], b[1]) + radius + 1))
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          // NOTE: pixel centres at +0.5, as the canvas samples them.
          const coverage = Math.max(0, Math.min(1, radius + 0.5 - segmentDistance(x + 0.5, y + 0.5, a, b)))
          const i = y * side + x
          gray[i] = Math.max(gray[i], Math.round(coverage * 255))
        }
      }
    }
  }
  return gray
}

/** The three styles the shipped MNIST CNN misreads that the handwriting tests and bench teach it. */
export const HANDWRITING_STYLES: readonly StyleName[] = ['eight-side', 'nine-triangle-curl', 'three-side']

/** A drawing as a PNG of the whole pad: dark ink on white, as a drawing saved from a canvas and flattened looks. */
export function drawingPng(strokes: readonly StrokePath[]): Promise<Buffer> {
  const ink = rasterizeStrokes(strokes)
  return sharp(Buffer.from(ink.map((v) => 255 - v)), { raw: { width: PAD_SIDE, height: PAD_SIDE, channels: 1 } }).png().toBuffer()
}

/** A collected folder: `per` drawings of each style in its digit's subfolder, varied from `seed`. Returns `root`. */
export async function writeDrawingsFolder(root: string, styles: readonly StyleName[], per: number, seed: number): Promise<string> {
  for (const [s, name] of styles.entries()) {
    const folder = join(root, String(STYLES[name].digit))
    await mkdir(folder, { recursive: true })
    for (let i = 0; i < per; i++) await sharp(await drawingPng(jittered(STYLES[name], seed + s * 100 + i))).toFile(join(folder, `${name}-${seed + i}.png`))
  }
  return root
}
