// AssemblyScript. Image bytes as the float inputs a model takes.

/**
 * out[i] = src[i] / 255 for `count` bytes, as float32. One float32 division rounds as JavaScript's `v / 255`
 * stored into a Float32Array does: a float64 quotient rounded again to float32 is the correctly rounded one.
 */
export function bytesToUnit(src: usize, out: usize, count: i32): void {
  const divisor = f32x4.splat(255)
  let i = 0
  for (; i + 16 <= count; i += 16) {
    const bytes = v128.load(src + <usize>i)
    const low = i16x8.extend_low_i8x16_u(bytes)
    const high = i16x8.extend_high_i8x16_u(bytes)
    const at = out + (<usize>i << 2)
    v128.store(at, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(low)), divisor))
    v128.store(at, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(low)), divisor), 16)
    v128.store(at, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(high)), divisor), 32)
    v128.store(at, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(high)), divisor), 48)
  }
  for (; i < count; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(src + <usize>i) / 255)
}
