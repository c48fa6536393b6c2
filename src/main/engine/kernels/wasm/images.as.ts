// AssemblyScript. Image bytes as the float inputs a model takes.

// NOTE: one float32 division rounds as JavaScript's `v / 255` stored into a Float32Array does: a float64
// quotient rounded again to float32 is the correctly rounded one (the float64 quotient carries more than
// twice float32's precision), so these kernels give the reference's bits.
const DIVISOR = f32x4.splat(255)

/** 16 bytes at `src` as 16 floats v / 255 at `out`. */
@inline function convert16(src: usize, out: usize): void {
  const bytes = v128.load(src)
  const low = i16x8.extend_low_i8x16_u(bytes)
  const high = i16x8.extend_high_i8x16_u(bytes)
  v128.store(out, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(low)), DIVISOR))
  v128.store(out, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(low)), DIVISOR), 16)
  v128.store(out, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(high)), DIVISOR), 32)
  v128.store(out, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(high)), DIVISOR), 48)
}

/** out[i] = src[i] / 255 for `count` bytes, as float32. */
export function bytesToUnit(src: usize, out: usize, count: i32): void {
  let i = 0
  for (; i + 16 <= count; i += 16) convert16(src + <usize>i, out + (<usize>i << 2))
  for (; i < count; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(src + <usize>i) / 255)
}

/** One row of `length` bytes at `src` as floats at `out`, from byte `from` on. */
@inline function rowToUnit(src: usize, out: usize, from: i32, length: i32): void {
  for (let j = from; j < length; j++) store<f32>(out + (<usize>j << 2), <f32>load<u8>(src + <usize>j) / 255)
}

/**
 * Rows `rows[0…count)` (i32 indices) of a byte matrix at `src` with `rowLength` columns, each value v as v / 255,
 * into `out` row after row. Four rows are read side by side: rows picked at random miss the cache, and four
 * streams of misses overlap where one would wait on each in turn.
 */
export function gatherToUnit(src: usize, rows: usize, count: i32, rowLength: i32, out: usize): void {
  const rowBytes = <usize>rowLength
  const outBytes = rowBytes << 2
  let r = 0
  for (; r + 4 <= count; r += 4) {
    const s0 = src + <usize>load<i32>(rows + (<usize>r << 2)) * rowBytes
    const s1 = src + <usize>load<i32>(rows + (<usize>r << 2), 4) * rowBytes
    const s2 = src + <usize>load<i32>(rows + (<usize>r << 2), 8) * rowBytes
    const s3 = src + <usize>load<i32>(rows + (<usize>r << 2), 12) * rowBytes
    const o0 = out + <usize>r * outBytes
    let j = 0
    for (; j + 16 <= rowLength; j += 16) {
      const at = <usize>j << 2
      convert16(s0 + <usize>j, o0 + at)
      convert16(s1 + <usize>j, o0 + outBytes + at)
      convert16(s2 + <usize>j, o0 + 2 * outBytes + at)
      convert16(s3 + <usize>j, o0 + 3 * outBytes + at)
    }
    rowToUnit(s0, o0, j, rowLength)
    rowToUnit(s1, o0 + outBytes, j, rowLength)
    rowToUnit(s2, o0 + 2 * outBytes, j, rowLength)
    rowToUnit(s3, o0 + 3 * outBytes, j, rowLength)
  }
  for (; r < count; r++) {
    bytesToUnit(src + <usize>load<i32>(rows + (<usize>r << 2)) * rowBytes, out + <usize>r * outBytes, rowLength)
  }
}
