// AssemblyScript. Whether a float32 array holds a NaN or an infinity: their exponent bits are all ones.

const EXPONENT: i32 = 0x7f800000

/** 1 if any of the `count` floats at `values` is NaN or ±∞, else 0; sixteen at a time, one branch per sixteen. */
export function anyNonFinite(values: usize, count: i32): i32 {
  const exponent = i32x4.splat(EXPONENT)
  let i = 0
  for (; i + 16 <= count; i += 16) {
    const at = values + (<usize>i << 2)
    const a = i32x4.eq(v128.and(v128.load(at), exponent), exponent)
    const b = i32x4.eq(v128.and(v128.load(at, 16), exponent), exponent)
    const c = i32x4.eq(v128.and(v128.load(at, 32), exponent), exponent)
    const d = i32x4.eq(v128.and(v128.load(at, 48), exponent), exponent)
    if (v128.any_true(v128.or(v128.or(a, b), v128.or(c, d)))) return 1
  }
  for (; i < count; i++) {
    if ((load<i32>(values + (<usize>i << 2)) & EXPONENT) == EXPONENT) return 1
  }
  return 0
}
