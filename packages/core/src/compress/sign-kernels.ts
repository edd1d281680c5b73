/**
 * Kernel: packs sign bits, 1 for x_i < 0 (so +0 and −0 both count as positive), entry i at bit i % 8
 * of byte offset + ⌊i/8⌋; padding bits stay zero. Returns Σ|x_i| in float64, summed in 8 lanes (lane
 * j adds the entries i ≡ j mod 8 in index order; the lanes are combined as ((0+1)+(2+3))+((4+5)+(6+7)))
 * so SIMD code reproduces it exactly. Native-replaceable.
 */
export function packSigns(x: Float32Array, bytes: Uint8Array, offset: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  const d = x.length;
  const full = d >>> 3;
  for (let b = 0; b < full; b++) {
    const i = b << 3;
    const v0 = x[i];
    const v1 = x[i + 1];
    const v2 = x[i + 2];
    const v3 = x[i + 3];
    const v4 = x[i + 4];
    const v5 = x[i + 5];
    const v6 = x[i + 6];
    const v7 = x[i + 7];
    s0 += Math.abs(v0);
    s1 += Math.abs(v1);
    s2 += Math.abs(v2);
    s3 += Math.abs(v3);
    s4 += Math.abs(v4);
    s5 += Math.abs(v5);
    s6 += Math.abs(v6);
    s7 += Math.abs(v7);
    bytes[offset + b] =
      (v0 < 0 ? 1 : 0) |
      (v1 < 0 ? 2 : 0) |
      (v2 < 0 ? 4 : 0) |
      (v3 < 0 ? 8 : 0) |
      (v4 < 0 ? 16 : 0) |
      (v5 < 0 ? 32 : 0) |
      (v6 < 0 ? 64 : 0) |
      (v7 < 0 ? 128 : 0);
  }
  const tail = new Float64Array(8);
  let byte = 0;
  for (let i = full << 3; i < d; i++) {
    const v = x[i];
    tail[i & 7] = Math.abs(v);
    if (v < 0) byte |= 1 << (i & 7);
  }
  if ((d & 7) !== 0) bytes[offset + full] = byte;
  const l01 = s0 + tail[0] + (s1 + tail[1]);
  const l23 = s2 + tail[2] + (s3 + tail[3]);
  const l45 = s4 + tail[4] + (s5 + tail[5]);
  const l67 = s6 + tail[6] + (s7 + tail[7]);
  return l01 + l23 + (l45 + l67);
}

/**
 * Kernel: out[i] = −scale if sign bit i is set, else +scale. Returns false when a padding bit after
 * entry d − 1 is set. Native-replaceable.
 */
export function unpackSigns(bytes: Uint8Array, offset: number, scale: number, out: Float32Array): boolean {
  const d = out.length;
  const pos = Math.fround(scale);
  const neg = -pos;
  for (let i = 0; i < d; i++) out[i] = (bytes[offset + (i >>> 3)] >>> (i & 7)) & 1 ? neg : pos;
  return (d & 7) === 0 || bytes[offset + (d >>> 3)] >>> (d & 7) === 0;
}
