// AssemblyScript. The 4×8 register tile at the heart of the GEMM.

/** Rows of C one micro-kernel call computes. */
export const MR: i32 = 4
/** Columns of C one micro-kernel call computes (two f32x4 lanes). */
export const NR: i32 = 8

// NOTE: built twice (scripts/build-wasm.mjs): with relaxed SIMD, f32x4.relaxed_madd is one FMA instruction on
// CPUs that have it (rounding once, and ~30% faster on the chapter's shapes); without, a multiply and an add.
// Every kernel that must give the blocked GEMM's bits (sparse.as.ts) multiply-adds through this one function.
/** acc + a·b: fused where the module is built with relaxed SIMD, else a multiply and an add. */
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc)
  return f32x4.add(acc, f32x4.mul(a, b))
}

// NOTE: 4×8 keeps 8 accumulators, 2 B vectors, 1 splat and 1 product in registers (12 of the 15 XMM
// registers V8 allocates); 5×8 and 6×8 spill and measured 13–18% slower, an unrolled loop 15% slower. With
// the fused multiply-add (no product register) 6×8 fits in 15 on paper, yet still measured 20–30% slower.
/**
 * C[0:4, 0:8] = (C +) Ã·B̃ over `kc` steps, where Ã holds 4 values of op(A) per step and B̃ holds 8
 * values of op(B) per step (both packed). `ldc` is C's row stride in bytes.
 */
export function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0)
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0)
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0)
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0)
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16)
    let a = v128.load_splat<f32>(ap)
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01)
    a = v128.load_splat<f32>(ap, 4)
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11)
    a = v128.load_splat<f32>(ap, 8)
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21)
    a = v128.load_splat<f32>(ap, 12)
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31)
    ap += 16
    bp += 32
  }
  if (add) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16))
    c10 = f32x4.add(c10, v128.load(c + ldc)); c11 = f32x4.add(c11, v128.load(c + ldc, 16))
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16))
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16))
  }
  v128.store(c, c00); v128.store(c, c01, 16)
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16)
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16)
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16)
}

/** Bytes of the scratch tile `kernelEdge` computes into. */
export const TILE_BYTES: usize = MR * NR * 4

/**
 * The same tile where only its top-left `mr`×`nr` corner lies inside C (the packed panels are zero-padded):
 * computed into `tile`, then copied.
 */
export function kernelEdge(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, add: bool, mr: i32, nr: i32, tile: usize): void {
  kernel4x8(kc, ap, bp, tile, NR * 4, false)
  for (let i = 0; i < mr; i++) {
    const row = c + <usize>i * ldc
    const from = tile + <usize>(i * NR * 4)
    for (let j = 0; j < nr; j++) {
      const at = row + (<usize>j << 2)
      const value = load<f32>(from + (<usize>j << 2))
      store<f32>(at, add ? load<f32>(at) + value : value)
    }
  }
}
