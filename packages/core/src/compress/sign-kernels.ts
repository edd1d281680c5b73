/**
 * Kernel: packs sign bits, 1 for x_i < 0 (so +0 and −0 both count as positive), entry i at bit i % 8
 * of byte offset + ⌊i/8⌋; padding bits stay zero. Returns Σ|x_i| in float64. Native-replaceable.
 */
export function packSigns(x: Float32Array, bytes: Uint8Array, offset: number): number {
  let l1 = 0;
  const d = x.length;
  const full = d >>> 3;
  for (let b = 0; b < full; b++) {
    const base = b << 3;
    let byte = 0;
    for (let j = 0; j < 8; j++) {
      const v = x[base + j];
      l1 += Math.abs(v);
      if (v < 0) byte |= 1 << j;
    }
    bytes[offset + b] = byte;
  }
  let byte = 0;
  for (let i = full << 3; i < d; i++) {
    const v = x[i];
    l1 += Math.abs(v);
    if (v < 0) byte |= 1 << (i & 7);
  }
  if ((d & 7) !== 0) bytes[offset + full] = byte;
  return l1;
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
