// AssemblyScript. Matrix–vector products, for GEMMs with m = 1 or n = 1 (the linear model's shapes).
import { madd } from './microkernel.as'

@inline function sumLanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)
}

@inline function put(y: usize, i: i32, value: f32, add: bool): void {
  const at = y + (<usize>i << 2)
  store<f32>(at, add ? load<f32>(at) + value : value)
}

/** One dot product of k floats at `row` and `x`: four lanes along k, then the lanes and the tail. */
@inline function dot(row: usize, x: usize, k: i32): f32 {
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0)
  let p = 0
  for (; p + 8 <= k; p += 8) {
    const offset = <usize>p << 2
    acc0 = madd(v128.load(row + offset), v128.load(x + offset), acc0)
    acc1 = madd(v128.load(row + offset, 16), v128.load(x + offset, 16), acc1)
  }
  let sum = sumLanes(f32x4.add(acc0, acc1))
  for (; p < k; p++) sum += load<f32>(row + (<usize>p << 2)) * load<f32>(x + (<usize>p << 2))
  return sum
}

/** y[i] = (y[i] +) Σ_p M[i, p]·x[p] for a row-major rows×k matrix M. */
export function dotRows(mat: usize, rows: i32, k: i32, x: usize, y: usize, add: bool): void {
  const rowBytes = <usize>k << 2
  for (let i = 0; i < rows; i++) put(y, i, dot(mat + <usize>i * rowBytes, x, k), add)
}

/** y[j] = (y[j] +) Σ_p x[p]·M[p, j] for a row-major k×n matrix M, 16 columns of y in registers at a time. */
export function axpyRows(mat: usize, k: i32, n: i32, x: usize, y: usize, add: bool): void {
  const rowBytes = <usize>n << 2
  let j = 0
  for (; j + 16 <= n; j += 16) {
    let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0)
    let src = mat + (<usize>j << 2)
    for (let p = 0; p < k; p++) {
      const xp = v128.load_splat<f32>(x + (<usize>p << 2))
      acc0 = madd(xp, v128.load(src), acc0)
      acc1 = madd(xp, v128.load(src, 16), acc1)
      acc2 = madd(xp, v128.load(src, 32), acc2)
      acc3 = madd(xp, v128.load(src, 48), acc3)
      src += rowBytes
    }
    const out = y + (<usize>j << 2)
    if (add) {
      acc0 = f32x4.add(acc0, v128.load(out)); acc1 = f32x4.add(acc1, v128.load(out, 16))
      acc2 = f32x4.add(acc2, v128.load(out, 32)); acc3 = f32x4.add(acc3, v128.load(out, 48))
    }
    v128.store(out, acc0); v128.store(out, acc1, 16); v128.store(out, acc2, 32); v128.store(out, acc3, 48)
  }
  for (; j + 4 <= n; j += 4) {
    let acc = f32x4.splat(0)
    let src = mat + (<usize>j << 2)
    for (let p = 0; p < k; p++) {
      acc = madd(v128.load_splat<f32>(x + (<usize>p << 2)), v128.load(src), acc)
      src += rowBytes
    }
    const out = y + (<usize>j << 2)
    v128.store(out, add ? f32x4.add(acc, v128.load(out)) : acc)
  }
  for (; j < n; j++) {
    let sum: f32 = 0
    for (let p = 0; p < k; p++) sum += load<f32>(x + (<usize>p << 2)) * load<f32>(mat + ((<usize>p * <usize>n + <usize>j) << 2))
    put(y, j, sum, add)
  }
}
