/** Default share of each class held out for validation, as fastai's `valid_pct=0.2`. */
export const DEFAULT_VALID_PERCENT = 20
export const DEFAULT_SEED = 42

/** FNV-1a over the key's UTF-16 code units, started from the seed, then murmur3's finaliser. */
function seededHash(key: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** How many of a class's `count` images go to validation: at least one and never all, when there are two or more. */
export function validCount(count: number, validPercent: number): number {
  if (count < 2 || validPercent <= 0) return 0
  return Math.min(count - 1, Math.max(1, Math.round((count * validPercent) / 100)))
}

/**
 * A seeded, stratified split: in each class, the `validPercent`% of items whose keys hash lowest
 * under the seed go to validation. Each item's fate depends only on the seed, its key (its file
 * path) and its classmates — not on the order files were listed or on other classes — so the same
 * seed gives the same split, file for file. Returns 1 for validation, 0 for training, per item.
 */
export function seededSplit(keys: readonly string[], labels: ArrayLike<number>, validPercent: number, seed: number): Uint8Array {
  const byClass = new Map<number, number[]>()
  for (let i = 0; i < keys.length; i++) {
    const members = byClass.get(labels[i])
    if (members) members.push(i)
    else byClass.set(labels[i], [i])
  }
  const hashes = Uint32Array.from(keys, (key) => seededHash(key, seed))
  const valid = new Uint8Array(keys.length)
  for (const members of byClass.values()) {
    const ranked = [...members].sort((a, b) => hashes[a] - hashes[b] || (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0))
    for (const i of ranked.slice(0, validCount(members.length, validPercent))) valid[i] = 1
  }
  return valid
}

/** Checks a validation percentage and seed, with a message that says what is allowed. */
export function checkSplitSettings(validPercent: number, seed: number): void {
  if (!Number.isFinite(validPercent) || validPercent <= 0 || validPercent >= 100) {
    throw new RangeError(`validation percentage must be a number above 0 and below 100, got ${validPercent}`)
  }
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`)
}
