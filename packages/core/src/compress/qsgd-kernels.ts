import type { Rng } from '../rng/rng.js';

const TWO_POW_M32 = 2.3283064365386963e-10;

/** Bits per QSGD code: one sign bit plus ⌈log2(s + 1)⌉ level bits. */
export function qsgdCodeBits(s: number): number {
  return 1 + (32 - Math.clz32(s));
}

/**
 * Kernel: Σ x_i² in float64 (each square is exact), summed in 8 lanes: lane j adds the entries
 * i ≡ j mod 8 in index order and the lanes are combined as ((0+1)+(2+3))+((4+5)+(6+7)), so SIMD code
 * gives the same bits. Native-replaceable.
 */
export function sumSquares8(x: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  const d = x.length;
  const full = d - (d & 7);
  for (let i = 0; i < full; i += 8) {
    s0 += x[i] * x[i];
    s1 += x[i + 1] * x[i + 1];
    s2 += x[i + 2] * x[i + 2];
    s3 += x[i + 3] * x[i + 3];
    s4 += x[i + 4] * x[i + 4];
    s5 += x[i + 5] * x[i + 5];
    s6 += x[i + 6] * x[i + 6];
    s7 += x[i + 7] * x[i + 7];
  }
  const tail = new Float64Array(8);
  for (let i = full; i < d; i++) tail[i & 7] = x[i] * x[i];
  const l01 = s0 + tail[0] + (s1 + tail[1]);
  const l23 = s2 + tail[2] + (s3 + tail[3]);
  const l45 = s4 + tail[4] + (s5 + tail[5]);
  const l67 = s6 + tail[6] + (s7 + tail[7]);
  return l01 + l23 + (l45 + l67);
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
