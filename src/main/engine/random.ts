/** A generator's whole state: the four sfc32 words and the spare normal of the last Box–Muller pair. */
export interface RandomState {
  readonly words: readonly [number, number, number, number]
  readonly spareNormal: number | null
}

/**
 * A small seeded generator (sfc32) so that every run with the same seed draws the same numbers,
 * on every platform: initial weights, shuffles, dropout masks and augmentation all come from here.
 */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number
  private spareNormal: number | null = null

  constructor(seed: number) {
    this.a = 0x9e3779b9
    this.b = 0x243f6a88
    this.c = 0xb7e15162
    this.d = seed >>> 0
    for (let i = 0; i < 15; i++) this.nextUint32()
  }

  /** Uniform integer in [0, 2³²). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform float in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296
  }

  /** Standard normal, by the Box–Muller transform (pairs are used, none wasted). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal
      this.spareNormal = null
      return spare
    }
    const u = 1 - this.uniform()
    const v = this.uniform()
    const radius = Math.sqrt(-2 * Math.log(u))
    this.spareNormal = radius * Math.sin(2 * Math.PI * v)
    return radius * Math.cos(2 * Math.PI * v)
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n)
  }

  /** A permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const swap = order[i]
      order[i] = order[j]
      order[j] = swap
    }
    return order
  }

  /** The state, so a saved run can resume draw for draw. */
  state(): RandomState {
    return { words: [this.a, this.b, this.c, this.d], spareNormal: this.spareNormal }
  }

  /** Continue from a state `state()` returned. */
  setState(state: RandomState): void {
    ;[this.a, this.b, this.c, this.d] = state.words.map((word) => word | 0)
    this.spareNormal = state.spareNormal
  }

  /** A child generator with its own stream, so one consumer's draws never shift another's. */
  fork(): Random {
    return new Random(this.nextUint32())
  }
}

let globalRandom = new Random(0)

/** Reseed the generator that creation functions use when none is passed (like `torch.manual_seed`). */
export function manualSeed(seed: number): void {
  globalRandom = new Random(seed)
}

/** The generator creation functions use when none is passed. */
export function defaultRandom(): Random {
  return globalRandom
}
