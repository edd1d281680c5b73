import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { clipToNorm, normalizeToNorm } from './clip.js';

function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

/** max_i |out_i − scale·in_i| / (scale·‖in‖): 0 when `out` is `in` scaled, whatever its direction. */
function directionError(input: Float32Array, out: Float32Array, scale: number): number {
  const n = norm(input);
  if (n === 0) return norm(out);
  let worst = 0;
  for (let i = 0; i < input.length; i++) worst = Math.max(worst, Math.abs(out[i] - scale * input[i]) / (scale * n));
  return worst;
}

/** Seeded random vectors of random length and scale (from 1e-6 to 1e6), some of them zero. */
function randomVectors(seed: number, count: number): Float32Array[] {
  const rng = Rng.fromSeed(seed);
  const out: Float32Array[] = [];
  for (let t = 0; t < count; t++) {
    const v = new Float32Array(1 + rng.int(300));
    if (t % 25 !== 0) rng.fillNormal(v, 0, 10 ** rng.uniformIn(-6, 6));
    out.push(v);
  }
  return out;
}

describe('clipToNorm', () => {
  it('bounds the norm by C(1 + 1e-6), keeps the direction and reports the scale, over 500 random vectors', () => {
    const rng = Rng.fromSeed(99);
    for (const original of randomVectors(7, 500)) {
      const C = 10 ** rng.uniformIn(-3, 3);
      const v = original.slice();
      const scale = clipToNorm(v, C);
      const before = norm(original);
      expect(norm(v)).toBeLessThanOrEqual(C * (1 + 1e-6));
      expect(scale).toBeGreaterThan(0);
      expect(scale).toBeLessThanOrEqual(1);
      if (before <= C) {
        expect(scale).toBe(1);
        expect(v).toEqual(original);
      } else {
        expect(scale).toBeCloseTo(C / before, 12);
        expect(norm(v)).toBeCloseTo(C, Math.max(0, 5 - Math.log10(C)));
      }
      expect(directionError(original, v, scale)).toBeLessThan(1e-6);
    }
  });

  it('leaves the zero vector zero, without NaN', () => {
    const v = new Float32Array(10);
    expect(clipToNorm(v, 1)).toBe(1);
    expect(v.every((x) => x === 0)).toBe(true);
  });

  it('rejects non-finite entries, naming the index, and leaves the vector alone', () => {
    const v = Float32Array.of(1, Number.NaN, 3);
    expect(() => clipToNorm(v, 1)).toThrow('clipToNorm input[1] is NaN');
    expect(() => clipToNorm(Float32Array.of(0, Number.POSITIVE_INFINITY), 1)).toThrow('[1] is Infinity');
    expect(v[0]).toBe(1);
    expect(() => clipToNorm(Float32Array.of(1), 0)).toThrow('maxNorm must be a finite number > 0, got 0');
  });

  it('clips float64 vectors whose squared norm overflows', () => {
    const v = Float64Array.of(3e200, 4e200);
    expect(clipToNorm(v, 5)).toBeCloseTo(1e-200, 212);
    expect(v[0]).toBeCloseTo(3, 12);
    expect(v[1]).toBeCloseTo(4, 12);
  });
});

describe('normalizeToNorm', () => {
  it('scales every vector to C·‖v‖/(‖v‖ + κ) < C in its own direction, over 300 random vectors', () => {
    for (const original of randomVectors(8, 300)) {
      const v = original.slice();
      const before = norm(original);
      const scale = normalizeToNorm(v, 2, 0.01);
      expect(scale).toBeCloseTo(2 / (before + 0.01), 9);
      expect(norm(v)).toBeLessThanOrEqual(2 * (1 + 1e-6));
      expect(norm(v)).toBeCloseTo((2 * before) / (before + 0.01), 5);
      expect(directionError(original, v, scale)).toBeLessThan(1e-6);
    }
  });

  it('with κ = 0 puts every non-zero vector at norm C and keeps zero at zero', () => {
    const v = Float32Array.of(0.3, -0.4);
    normalizeToNorm(v, 10, 0);
    expect(norm(v)).toBeCloseTo(10, 5);
    const zero = new Float32Array(3);
    expect(normalizeToNorm(zero, 10, 0)).toBe(0);
    expect(zero.every((x) => x === 0)).toBe(true);
    expect(() => normalizeToNorm(v, 1, -1)).toThrow('kappa must be a finite number >= 0, got -1');
  });
});
