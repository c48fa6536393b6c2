import { readFileSync } from 'node:fs'

let cached: string | undefined

/**
 * The widest vector extension the CPU reports (Linux's /proc/cpuinfo flags): what MLAS picks its kernels by
 * (through CPUID), and so part of what fixes the native kernels' bits. WebAssembly SIMD is 128 bits everywhere.
 */
export function cpuVectorExtension(): string {
  if (cached !== undefined) return cached
  let flags: string[]
  try {
    flags = (readFileSync('/proc/cpuinfo', 'utf8').match(/^(flags|Features)\s*:(.*)$/m)?.[2] ?? '').trim().split(/\s+/)
  } catch {
    return (cached = `${process.arch}, vector width unknown (no /proc/cpuinfo)`)
  }
  if (flags.includes('avx512f')) cached = 'AVX-512 (512-bit vectors)'
  else if (flags.includes('avx2')) cached = 'AVX2 (256-bit vectors)'
  else if (flags.includes('asimd')) cached = 'NEON (128-bit vectors)'
  else cached = 'SSE (128-bit vectors)'
  return cached
}
