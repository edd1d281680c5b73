/**
 * Kernel: writes into `out` (length ≥ k) the indices of the k entries of largest magnitude, in increasing
 * index order; among entries tied at the k-th largest magnitude, lower indices win. Finite input
 * assumed. Two-pass radix select on the 31-bit magnitude keys (the float32 bits without the sign bit
 * order like the magnitudes), O(d) with no sorting. Native-replaceable.
 */
export function selectTopK(x: Float32Array, k: number, out: Int32Array): void {
  const d = x.length;
  if (k >= d) {
    for (let i = 0; i < d; i++) out[i] = i;
    return;
  }
  if (k <= 0) return;
  const bits = new Uint32Array(x.buffer, x.byteOffset, d);
  const hist = new Uint32Array(65536);
  for (let i = 0; i < d; i++) hist[(bits[i] & 0x7fffffff) >>> 16]++;
  let need = k;
  let hi = 0x7fff;
  while (hist[hi] < need) need -= hist[hi--];
  hist.fill(0);
  for (let i = 0; i < d; i++) {
    const key = bits[i] & 0x7fffffff;
    if (key >>> 16 === hi) hist[key & 0xffff]++;
  }
  let lo = 0xffff;
  while (hist[lo] < need) need -= hist[lo--];
  // `threshold` is the k-th largest key; `need` entries equal to it are taken, the lowest indices first.
  const threshold = hi * 65536 + lo;
  let j = 0;
  for (let i = 0; i < d; i++) {
    const key = bits[i] & 0x7fffffff;
    if (key > threshold) out[j++] = i;
    else if (key === threshold && need > 0) {
      out[j++] = i;
      need--;
    }
  }
}
