/**
 * Kernel: Gram–Schmidt orthonormalization, in place, of the r columns of the row-major n×r matrix `p`
 * (column j is p[i·r + j]). Each column is projected off the previous ones twice ("twice is enough",
 * which keeps the columns orthogonal when p is nearly rank-deficient), then scaled to unit norm; an
 * exactly zero column stays zero. Dots accumulate in float64. Native-replaceable.
 */
export function orthonormalizeColumns(p: Float32Array, n: number, r: number): void {
  for (let j = 0; j < r; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += p[i * r + j] * p[i * r + k];
        if (dot === 0) continue;
        for (let i = 0; i < n; i++) p[i * r + j] -= dot * p[i * r + k];
      }
    }
    let sq = 0;
    for (let i = 0; i < n; i++) sq += p[i * r + j] * p[i * r + j];
    if (sq === 0) continue;
    const inv = 1 / Math.sqrt(sq);
    for (let i = 0; i < n; i++) p[i * r + j] *= inv;
  }
}
