/**
 * IEEE 754 binary16 (fp16) and bfloat16 (bf16) conversions on bit patterns, with round-to-nearest-even.
 * These scalar functions are the specification; `half-kernels.ts` holds the array loops.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bit pattern of `x` rounded to float32. */
export function float32Bits(x: number): number {
  f32[0] = x;
  return u32[0];
}

/** The float32 whose bit pattern is `bits`. */
export function float32FromBits(bits: number): number {
  u32[0] = bits;
  return f32[0];
}

/**
 * float32 bits → fp16 bits, rounding to nearest, ties to even. Overflow gives ±Inf, NaN stays a (quiet)
 * NaN, values below half the smallest subnormal (2^-25) flush to ±0, and subnormals round correctly.
 */
export function f32BitsToF16(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 112; // the fp16 biased exponent (bias 15 vs 127)
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // fp16 subnormal m·2^-24: m = significand >> (14 − e), rounded to nearest even.
    if (e < -10) return sign;
    const sig = mant | 0x800000;
    const shift = 14 - e;
    let q = sig >>> shift;
    const rem = sig & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (q & 1) === 1)) q++;
    return sign | q;
  }
  let h = sign | (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++;
  return h;
}

/** fp16 bits → the float (exact: every fp16 value is a float32). */
export function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** float32 bits → bf16 bits (the top 16), rounding to nearest, ties to even; NaN stays a quiet NaN. */
export function f32BitsToBf16(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return ((bits >>> 16) | 0x40) & 0xffff;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bf16 bits → the float (exact). */
export function bf16BitsToNumber(h: number): number {
  return float32FromBits((h << 16) >>> 0);
}
