// AssemblyScript. Where a matrix's nonzeros are: a sampled density test, the positions of a row's nonzeros, and
// an index of them for a whole matrix, built once and read by every product of that matrix (a batch of digits
// is multiplied twice: by the weights, and by the output gradient for the weights' gradient).

/** Below this fraction of nonzeros (in sixteenths) the sparse paths beat the packed kernel. */
const DENSITY_SIXTEENTHS: i32 = 6

const ZERO = f32x4.splat(0)

@inline function nonzeroMask(at: usize): i32 {
  return i32x4.bitmask(f32x4.ne(v128.load(at), ZERO))
}

/**
 * Writes the positions p in [from, to) where row[p] ≠ 0 to `out` as i32s, in order, and returns how many: four
 * at a time without branches (a branch per value mispredicts on images), sixteen zeros skipped at once.
 */
export function compact(row: usize, from: i32, to: i32, out: usize): i32 {
  let count = 0
  let p = from
  for (; p + 16 <= to; p += 16) {
    const at = row + (<usize>p << 2)
    const v0 = v128.load(at), v1 = v128.load(at, 16), v2 = v128.load(at, 32), v3 = v128.load(at, 48)
    if (!v128.any_true(v128.or(v128.or(v0, v1), v128.or(v2, v3)))) continue
    count = compact4(i32x4.bitmask(f32x4.ne(v0, ZERO)), p, out, count)
    count = compact4(i32x4.bitmask(f32x4.ne(v1, ZERO)), p + 4, out, count)
    count = compact4(i32x4.bitmask(f32x4.ne(v2, ZERO)), p + 8, out, count)
    count = compact4(i32x4.bitmask(f32x4.ne(v3, ZERO)), p + 12, out, count)
  }
  for (; p < to; p++) {
    store<i32>(out + (<usize>count << 2), p)
    count += i32(load<f32>(row + (<usize>p << 2)) != 0)
  }
  return count
}

/** For each 4-bit mask, the byte shuffle that moves the i32 lanes whose bits are set to the front, in order. */
const COMPRESS = memory.data<u8>([
  128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  4, 5, 6, 7, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 128, 128, 128, 128, 128, 128, 128, 128,
  8, 9, 10, 11, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 8, 9, 10, 11, 128, 128, 128, 128, 128, 128, 128, 128,
  4, 5, 6, 7, 8, 9, 10, 11, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 128, 128, 128, 128,
  12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128,
  4, 5, 6, 7, 12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 128, 128, 128, 128,
  8, 9, 10, 11, 12, 13, 14, 15, 128, 128, 128, 128, 128, 128, 128, 128,
  0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 128, 128, 128, 128,
  4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 128, 128, 128, 128,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
], 16)

/** Appends p + l for each bit l of `mask` at `out[count…]` (one store of all four); returns the new count. */
@inline function compact4(mask: i32, p: i32, out: usize, count: i32): i32 {
  const lanes = i32x4.add(i32x4.splat(p), i32x4(0, 1, 2, 3))
  v128.store(out + (<usize>count << 2), i8x16.swizzle(lanes, v128.load(COMPRESS + (<usize>mask << 4))))
  return count + popcnt(mask)
}

/** Whether rows×cols floats (rows `rowBytes` apart) are mostly zeros, judged on up to 16 rows spread over them. */
export function mostlyZeros(base: usize, rowBytes: usize, rows: i32, cols: i32): bool {
  const sample = min(rows, 16)
  let nonzeros = 0
  for (let s = 0; s < sample; s++) {
    const row = base + <usize>(s * rows / sample) * rowBytes
    let p = 0
    for (; p + 4 <= cols; p += 4) nonzeros += popcnt(nonzeroMask(row + (<usize>p << 2)))
    for (; p < cols; p++) if (load<f32>(row + (<usize>p << 2)) != 0) nonzeros++
  }
  return nonzeros * 16 < DENSITY_SIXTEENTHS * sample * cols
}


// An index of a rows×cols matrix, in the memory at `index`: a header (the matrix's address, its row stride in
// bytes, rows, cols, kc), then each row's count of nonzeros per block of kc columns, then each row's positions
// (room for cols + 4: compact() stores four lanes at a time).
const BASE = 0, ROW_BYTES = 4, ROWS = 8, COLS = 12, KC = 16, HEADER = 32

@inline function blocksOf(cols: i32, kc: i32): i32 {
  return (cols + kc - 1) / kc
}

/** Bytes an index of a rows×cols matrix takes, for blocks of kc columns. */
export function rowsIndexBytes(rows: i32, cols: i32, kc: i32): usize {
  return <usize>HEADER + <usize>rows * (<usize>blocksOf(cols, kc) + <usize>cols + 4) * 4
}

@inline function countsAt(index: usize): usize {
  return index + HEADER
}

@inline function positionsAt(index: usize): usize {
  return countsAt(index) + <usize>load<i32>(index, ROWS) * <usize>blocksOf(load<i32>(index, COLS), load<i32>(index, KC)) * 4
}

/** Indexes the rows×cols matrix at `base` (rows `ld` floats apart): its nonzeros, row by row, block by block. */
export function indexRows(base: usize, ld: i32, rows: i32, cols: i32, kc: i32, index: usize): void {
  store<usize>(index, base, BASE)
  store<i32>(index, ld << 2, ROW_BYTES)
  store<i32>(index, rows, ROWS)
  store<i32>(index, cols, COLS)
  store<i32>(index, kc, KC)
  const blocks = blocksOf(cols, kc)
  const counts = countsAt(index)
  const positions = positionsAt(index)
  for (let r = 0; r < rows; r++) {
    const row = base + <usize>r * (<usize>ld << 2)
    const out = positions + <usize>r * (<usize>cols + 4) * 4
    let total = 0
    for (let b = 0; b < blocks; b++) {
      const count = compact(row, b * kc, min(cols, (b + 1) * kc), out + (<usize>total << 2))
      store<i32>(counts + (<usize>(r * blocks + b) << 2), count)
      total += count
    }
  }
}

/**
 * The row of the indexed matrix that starts at `row`, when the index covers `rows` rows from there of a matrix
 * with row stride `ld` floats, `cols` columns and blocks of `kc`; else −1 (the product finds the nonzeros itself).
 */
export function indexedRow(index: usize, row: usize, ld: i32, rows: i32, cols: i32, kc: i32): i32 {
  if (index == 0) return -1
  const base = load<usize>(index, BASE)
  const rowBytes = <usize>load<i32>(index, ROW_BYTES)
  if (rowBytes != <usize>ld << 2 || load<i32>(index, COLS) != cols || load<i32>(index, KC) != kc || row < base) return -1
  const offset = row - base
  if (offset % rowBytes != 0) return -1
  const first = <i32>(offset / rowBytes)
  return first + rows <= load<i32>(index, ROWS) ? first : -1
}

/** Nonzeros of row r in block b (b = −1: in the whole row). */
export function indexedCount(index: usize, r: i32, b: i32): i32 {
  const blocks = blocksOf(load<i32>(index, COLS), load<i32>(index, KC))
  const counts = countsAt(index) + <usize>(r * blocks) * 4
  if (b >= 0) return load<i32>(counts + (<usize>b << 2))
  let total = 0
  for (let i = 0; i < blocks; i++) total += load<i32>(counts + (<usize>i << 2))
  return total
}

/** Where row r's positions start (block after block). */
export function indexedPositions(index: usize, r: i32): usize {
  return positionsAt(index) + <usize>r * (<usize>load<i32>(index, COLS) + 4) * 4
}
