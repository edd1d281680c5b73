import { checkOutF32, checkTrim, checkVectors } from './robust-shapes.js';

/** Copies coordinate i of every vector into `col` and sorts it by totalOrder (−0 before +0). */
function sortedColumn(vectors: readonly Float32Array[], i: number, col: Float32Array): void {
  for (let k = 0; k < col.length; k++) col[k] = vectors[k][i];
  // TypedArray sort without a comparator is numeric with −0 before +0: IEEE totalOrder on finite values.
  col.sort();
}

/**
 * Kernel: the coordinate-wise median (Yin et al. 2018, "Byzantine-robust distributed learning: towards
 * optimal statistical rates"). For each coordinate i, the n = `vectors.length` values are sorted by
 * totalOrder (−0 before +0); n odd: out[i] is the middle value (its exact bits); n even: out[i] =
 * fround((lo + hi) / 2), the two middle values added and halved in float64, then rounded to float32 once.
 * n ≥ 1; every vector has `out.length` entries; inputs finite; `out` shares no memory with the inputs.
 * Native-replaceable.
 */
export function coordinateMedian(vectors: readonly Float32Array[], out: Float32Array): void {
  checkOutF32('coordinateMedian', out);
  checkVectors('coordinateMedian', vectors, out.length, 'out.length');
  const n = vectors.length;
  const col = new Float32Array(n);
  const mid = n >> 1;
  for (let i = 0; i < out.length; i++) {
    sortedColumn(vectors, i, col);
    out[i] = n & 1 ? col[mid] : (col[mid - 1] + col[mid]) / 2;
  }
}

/**
 * Kernel: the coordinate-wise trimmed mean (Yin et al. 2018). For each coordinate i, the n values are
 * sorted by totalOrder, the `trim` smallest and `trim` largest dropped, and the m = n − 2·trim kept values
 * summed in float64 in ascending order starting from the smallest kept value (s = kept[0], then s +=
 * kept[1], …; so m copies of −0 give −0), then out[i] = fround(s / m). Integer trim, 0 ≤ 2·trim < n;
 * every vector has `out.length` entries; inputs finite; `out` shares no memory with the inputs.
 * Native-replaceable.
 */
export function trimmedMean(vectors: readonly Float32Array[], trim: number, out: Float32Array): void {
  checkOutF32('trimmedMean', out);
  checkVectors('trimmedMean', vectors, out.length, 'out.length');
  const n = vectors.length;
  checkTrim('trimmedMean', trim, n);
  const col = new Float32Array(n);
  const end = n - trim;
  const m = end - trim;
  for (let i = 0; i < out.length; i++) {
    sortedColumn(vectors, i, col);
    let s = col[trim];
    for (let k = trim + 1; k < end; k++) s += col[k];
    out[i] = s / m;
  }
}
