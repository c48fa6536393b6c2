/**
 * Gathers rows of a uint8 matrix (images of `rowLength` pixels) into `out` as floats in 0..1: row r of `out`
 * is row `rows[r]` of `src`, each value v becoming v / 255.
 */
export type GatherUnit = (src: Uint8Array, rows: ArrayLike<number>, rowLength: number, out: Float32Array) => void

/** The plain TypeScript gather every faster one is tested against. */
export const gatherUnitReference: GatherUnit = (src, rows, rowLength, out) => {
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r] * rowLength
    const to = r * rowLength
    for (let j = 0; j < rowLength; j++) out[to + j] = src[from + j] / 255
  }
}
