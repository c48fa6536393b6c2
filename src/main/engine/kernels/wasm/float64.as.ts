// AssemblyScript. Four float32 lanes as two float64 pairs and back, for kernels that compute in float64 as the
// TypeScript references do (JavaScript's numbers), so each value is rounded to float32 only where they store it.

/** Lanes 0 and 1 of four floats, as float64. */
@inline export function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v)
}

/** Lanes 2 and 3 of four floats, as float64. */
@inline export function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))
}

/** Two float64 pairs rounded to four floats: lo's lanes, then hi's. */
@inline export function narrow(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5)
}
