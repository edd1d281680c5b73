import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import {
  bf16BitsToNumber,
  f16BitsToNumber,
  f32BitsToBf16,
  f32BitsToF16,
  float32Bits,
  float32FromBits,
} from './half.js';
import { decodeBf16, decodeF16, encodeBf16, encodeF16 } from './half-kernels.js';

const toF16 = (x: number) => f32BitsToF16(float32Bits(x));
const toBf16 = (x: number) => f32BitsToBf16(float32Bits(x));

/** Independent reference: the nearest non-negative finite fp16 by search over all of them, ties to even bits. */
const positives = Array.from({ length: 0x7c00 }, (_, h) => f16BitsToNumber(h));
function referenceF16(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // beyond max + half an ulp: IEEE overflow
  let lo = 0;
  let hi = positives.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (positives[mid] <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - positives[lo];
  const dHi = positives[hi] - a;
  const h = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  return sign | h;
}

describe('fp16 conversion', () => {
  it('matches known bit patterns', () => {
    expect(toF16(1)).toBe(0x3c00);
    expect(toF16(-2)).toBe(0xc000);
    expect(toF16(65504)).toBe(0x7bff);
    expect(toF16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toF16(1023 * 2 ** -24)).toBe(0x03ff); // largest subnormal
    expect(toF16(2 ** -14)).toBe(0x0400); // smallest normal
    expect(toF16(-0)).toBe(0x8000);
    expect(toF16(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(toF16(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(toF16(Number.NaN) & 0x7e00).toBe(0x7e00);
    expect(f16BitsToNumber(0x3555)).toBe(0.333251953125);
  });

  it('rounds ties to even, in normals and subnormals', () => {
    expect(toF16(1 + 2 ** -11)).toBe(0x3c00); // halfway to 0x3c01: stay even
    expect(toF16(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway between 0x3c01 and 0x3c02
    expect(toF16(2 ** -25)).toBe(0x0000); // halfway between 0 and the smallest subnormal
    expect(toF16(3 * 2 ** -25)).toBe(0x0002);
    expect(toF16(2 ** -25 * 1.0000001)).toBe(0x0001);
    expect(toF16(65519)).toBe(0x7bff);
    expect(toF16(65520)).toBe(0x7c00); // the tie above 65504 rounds to even, which is Inf
    expect(toF16(2 ** -149)).toBe(0); // a float32 subnormal flushes to zero
  });

  it('round-trips every finite fp16 value exactly', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) !== 0x7c00 && toF16(f16BitsToNumber(h)) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with a nearest-value search on random float32 across the whole range', () => {
    const rng = Rng.fromSeed(16);
    const wrong: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround((rng.uniform() < 0.5 ? -1 : 1) * 2 ** rng.uniformIn(-27, 17));
      if (toF16(x) !== referenceF16(x)) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });
});

describe('bf16 conversion', () => {
  it('matches known bit patterns and rounds ties to even', () => {
    expect(toBf16(1)).toBe(0x3f80);
    expect(toBf16(-1)).toBe(0xbf80);
    expect(toBf16(3)).toBe(0x4040);
    expect(toBf16(1 + 2 ** -8)).toBe(0x3f80);
    expect(toBf16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(toBf16(2 ** -133)).toBe(0x0001); // a float32 subnormal that bf16 keeps
    expect(toBf16(2 ** -149)).toBe(0x0000);
    expect(toBf16(float32FromBits(0x7f7fffff))).toBe(0x7f80); // float32 max rounds up to Inf
    expect(toBf16(Number.NaN)).toBe(0x7fc0);
    expect(bf16BitsToNumber(0x7f7f)).toBe(float32FromBits(0x7f7f0000));
  });

  it('agrees with choosing the nearer of the two truncation neighbours', () => {
    const rng = Rng.fromSeed(17);
    const wrong: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const bits = rng.nextUint32() % 0x7f000000; // below the top binade, where hi would be Inf
      const x = float32FromBits(bits);
      const lo = float32FromBits(bits & 0xffff0000);
      const hi = float32FromBits(((bits & 0xffff0000) + 0x10000) >>> 0);
      const expected =
        x - lo < hi - x ? bits >>> 16 : x - lo > hi - x ? (bits >>> 16) + 1 : (bits >>> 16) + ((bits >>> 16) & 1);
      if (toBf16(x) !== expected) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });
});

describe('half-precision kernels', () => {
  it('saturate instead of overflowing to Inf, and decode what they encode', () => {
    const x = Float32Array.of(1e6, -1e6, 0.1, float32FromBits(0x7f7fffff));
    const h = new Uint16Array(4);
    encodeF16(x, h);
    expect(Array.from(h)).toEqual([0x7bff, 0xfbff, toF16(0.1), 0x7bff]);
    const out = new Float32Array(4);
    expect(decodeF16(h, out)).toBe(-1);
    expect(Array.from(out)).toEqual([65504, -65504, f16BitsToNumber(toF16(0.1)), 65504]);
    encodeBf16(x, h);
    expect(h[3]).toBe(0x7f7f);
    expect(decodeBf16(h, out)).toBe(-1);
    expect(out[2]).toBe(bf16BitsToNumber(toBf16(0.1)));
  });

  it('encode like the scalar conversions (saturated) on random and boundary patterns', () => {
    const rng = Rng.fromSeed(18);
    const bits = new Uint32Array(100000);
    for (let i = 0; i < bits.length; i++) {
      const exp = 100 + rng.int(50); // around the fp16 range, both sides of every boundary
      bits[i] = ((rng.nextUint32() & 0x807fffff) | (exp << 23)) >>> 0;
    }
    bits.set([0x38800000, 0x387fffff, 0x477fefff, 0x477ff000, 0x477fe000, 0xc77ff000, 0x33000000, 0x33000001]);
    const x = new Float32Array(bits.buffer);
    const h = new Uint16Array(x.length);
    encodeF16(x, h);
    const b = new Uint16Array(x.length);
    encodeBf16(x, b);
    const wrong: number[] = [];
    for (let i = 0; i < x.length; i++) {
      const f = f32BitsToF16(bits[i]);
      if (h[i] !== ((f & 0x7fff) === 0x7c00 ? (f & 0x8000) | 0x7bff : f)) wrong.push(bits[i]);
      if (b[i] !== f32BitsToBf16(bits[i])) wrong.push(bits[i]);
    }
    expect(wrong).toEqual([]);
  });

  it('report the first Inf or NaN pattern on decode', () => {
    const out = new Float32Array(3);
    expect(decodeF16(Uint16Array.of(0x3c00, 0x7c00, 0x7e00), out)).toBe(1);
    expect(decodeBf16(Uint16Array.of(0x3f80, 0x3f80, 0xff81), out)).toBe(2);
  });
});
