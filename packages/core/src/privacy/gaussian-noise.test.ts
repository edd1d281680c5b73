import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { addGaussianNoise } from './gaussian-noise.js';

function meanAndStd(v: Float32Array): [number, number] {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return [mean, Math.sqrt(ss / (v.length - 1))];
}

describe('addGaussianNoise', () => {
  it('adds noise whose standard deviation is std, not std² or √std', () => {
    const n = 200_000;
    const std = 3; // std² = 9 and √std = 1.73 would both be far outside the bound below
    const v = addGaussianNoise(new Float32Array(n).fill(5), std, Rng.fromSeed(11).fork('noise'));
    const [mean, sampleStd] = meanAndStd(v);
    // The sample std of n Gaussians has standard error ≈ std/√(2n) = 0.0047.
    expect(Math.abs(sampleStd - std)).toBeLessThan(0.03);
    expect(Math.abs(mean - 5)).toBeLessThan((5 * std) / Math.sqrt(n));
  });

  it('works in place, returns its argument and is reproducible for a seed', () => {
    const a = new Float32Array(64);
    const b = new Float32Array(64);
    expect(addGaussianNoise(a, 0.5, Rng.fromSeed(3).fork('noise', 1))).toBe(a);
    addGaussianNoise(b, 0.5, Rng.fromSeed(3).fork('noise', 1));
    expect(b).toEqual(a);
    expect(a.some((x) => x !== 0)).toBe(true);
  });

  it('leaves the vector unchanged for std = 0 and rejects a negative or non-finite std', () => {
    const v = Float32Array.of(1, 2);
    expect(addGaussianNoise(v, 0, Rng.fromSeed(1))).toEqual(Float32Array.of(1, 2));
    expect(() => addGaussianNoise(v, -1, Rng.fromSeed(1))).toThrow('std must be a finite number >= 0, got -1');
    expect(() => addGaussianNoise(v, Number.NaN, Rng.fromSeed(1))).toThrow('std');
  });
});
