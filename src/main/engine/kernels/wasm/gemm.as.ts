// AssemblyScript (compiled by `npm run build:wasm`, not by tsc). The module's entry: a blocked, packed GEMM.
import { MR, NR, kernel4x8, kernelEdge } from './microkernel.as'
import { Operand, packA, packB } from './pack.as'
import { axpyRows, dotRows } from './gemv.as'

// NOTE: blocking as in BLIS (Goto's algorithm): a kc×8 panel of B̃ (8 KiB) stays in L1 while the kernel
// walks the mc×kc block Ã (128 KiB) in L2; the kc×nc panel B̃ (2 MiB) lives in L2/L3. On this machine's
// 2 MiB L2 the rate at 1024³ moved by under 5% across mc 64–256, kc 128–512, nc 1024–4096.
const MC: i32 = 128
const KC: i32 = 256
const NC: i32 = 2048

const opA = changetype<Operand>(memory.data(offsetof<Operand>(), 8))
const opB = changetype<Operand>(memory.data(offsetof<Operand>(), 8))
const packedA: usize = (__heap_base + 63) & ~63
const packedB: usize = packedA + (<usize>(MC * KC) << 2)

/** The first byte past the packing buffers; the caller places A, B and C at or after it. */
export function workspaceEnd(): usize {
  return packedB + (<usize>(KC * NC) << 2)
}

/**
 * C = op(A)·op(B) (+ C when `accumulate`), row-major; op(A) is m×k (stored k×m when `transA`), op(B) is
 * k×n (stored n×k when `transB`). Pointers are byte offsets into this module's memory.
 */
export function gemm(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, accumulate: bool): void {
  if (m == 0 || n == 0) return
  if (k == 0) {
    if (!accumulate) memory.fill(c, 0, <usize>m * <usize>n * 4)
    return
  }
  // A vector operand is contiguous whichever way it is stored.
  if (n == 1) {
    if (transA) axpyRows(a, k, m, b, c, accumulate)
    else dotRows(a, m, k, b, c, accumulate)
    return
  }
  if (m == 1) {
    if (transB) dotRows(b, n, k, a, c, accumulate)
    else axpyRows(b, k, n, a, c, accumulate)
    return
  }
  opA.set(a, transA ? m : k, transA)
  opB.set(b, transB ? k : n, transB)
  blocked(c, m, n, k, accumulate)
}

function blocked(c: usize, m: i32, n: i32, k: i32, accumulate: bool): void {
  const ldc = <usize>n << 2
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc)
      const add = accumulate || pc > 0
      packB(opB, pc, kc, jc, nc, packedB)
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic)
        packA(opA, ic, mc, pc, kc, packedA)
        macroKernel(mc, nc, kc, c + <usize>ic * ldc + (<usize>jc << 2), ldc, add)
      }
    }
  }
}

/** C block (mc×nc) (+)= Ã·B̃, tile by tile; B̃'s panel stays in L1 while the tiles walk down Ã. */
function macroKernel(mc: i32, nc: i32, kc: i32, c: usize, ldc: usize, add: bool): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr)
    const bp = packedB + (<usize>(jr * kc) << 2)
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir)
      const ap = packedA + (<usize>(ir * kc) << 2)
      const tile = c + <usize>ir * ldc + (<usize>jr << 2)
      if (mr == MR && nr == NR) kernel4x8(kc, ap, bp, tile, ldc, add)
      else kernelEdge(kc, ap, bp, tile, ldc, add, mr, nr)
    }
  }
}
