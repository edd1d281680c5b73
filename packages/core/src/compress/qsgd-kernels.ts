import type { Rng } from '../rng/rng.js';

const TWO_POW_M32 = 2.3283064365386963e-10;

/** Bits per QSGD code: one sign bit plus ⌈log2(s + 1)⌉ level bits. */
export function qsgdCodeBits(s: number): number {
  return 1 + (32 - Math.clz32(s));
}

/**
 * Kernel: stochastic rounding and bit packing of QSGD codes (Alistarh et al. 2017). For each entry,
 * r = |x_i|·(s/norm), level = ⌊r⌋ + 1 with probability r − ⌊r⌋ (one `rng.nextUint32()` drawn per entry,
 * in index order, as u·2^-32 < r − ⌊r⌋), capped at s. Code = level·2 + sign bit (1 for negative,
 * 0 when level is 0), `width` bits each, packed LSB-first from `bytes[offset]`. Native-replaceable
 * (given the Rng's key and counter).
 */
export function qsgdQuantizePack(
  x: Float32Array,
  norm: number,
  s: number,
  width: number,
  rng: Rng,
  bytes: Uint8Array,
  offset: number,
): void {
  const scale = norm > 0 ? s / norm : 0;
  let acc = 0;
  let nbits = 0;
  let pos = offset;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const r = Math.abs(v) * scale;
    const u = rng.nextUint32() * TWO_POW_M32;
    let level = Math.floor(r);
    if (level >= s) level = s;
    else if (u < r - level) level++;
    const code = level === 0 ? 0 : (level << 1) | (v < 0 ? 1 : 0);
    acc |= code << nbits;
    nbits += width;
    while (nbits >= 8) {
      bytes[pos++] = acc & 0xff;
      acc >>>= 8;
      nbits -= 8;
    }
  }
  if (nbits > 0) bytes[pos] = acc & 0xff;
}

/**
 * Kernel: unpacks QSGD codes and writes out[i] = ±level·(norm/s) (computed in float64, stored as
 * float32). Returns −1 on success, or the index of the first bad code: a level above s, a negative
 * sign with level 0 (non-canonical), or `x.length` when the padding bits after the last code are not
 * zero. Native-replaceable.
 */
export function qsgdUnpack(
  bytes: Uint8Array,
  offset: number,
  norm: number,
  s: number,
  width: number,
  out: Float32Array,
): number {
  const step = norm / s;
  const mask = (1 << width) - 1;
  let acc = 0;
  let nbits = 0;
  let pos = offset;
  for (let i = 0; i < out.length; i++) {
    while (nbits < width) {
      acc |= bytes[pos++] << nbits;
      nbits += 8;
    }
    const code = acc & mask;
    acc >>>= width;
    nbits -= width;
    const level = code >>> 1;
    if (level > s || code === 1) return i;
    out[i] = code & 1 ? -(level * step) : level * step;
  }
  return acc === 0 ? -1 : out.length;
}
