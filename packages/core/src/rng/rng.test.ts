import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('replays the same stream for the same seed and differs across seeds', () => {
    const a = Rng.fromSeed(42);
    const b = Rng.fromSeed(42);
    const c = Rng.fromSeed(43);
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('forks independently of how much the parent has drawn', () => {
    const a = Rng.fromSeed(7);
    const early = a.fork('noise', 3).uniform();
    for (let i = 0; i < 100; i++) a.uniform();
    expect(a.fork('noise', 3).uniform()).toBe(early);
    expect(a.fork('noise', 4).uniform()).not.toBe(early);
    expect(a.fork('sampling', 3).uniform()).not.toBe(early);
  });

  it('draws normals whose sample std (not variance) matches std = 3', () => {
    const r = Rng.fromSeed(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal(2, 3);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.abs(std - 3)).toBeLessThan(0.03); // variance would be 9
  });

  it('draws uniform integers without bias across buckets', () => {
    const r = Rng.fromSeed(5);
    const counts = new Array(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[r.int(7)]++;
    // Chi-square with 6 degrees of freedom: 22.46 is the 0.999 quantile.
    const chi = counts.reduce((acc, c) => acc + (c - n / 7) ** 2 / (n / 7), 0);
    expect(chi).toBeLessThan(22.46);
  });

  it('makes permutations and samples without repeats', () => {
    const r = Rng.fromSeed(9);
    const p = r.permutation(50);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const s = r.sample(100, 30);
    expect(new Set(s).size).toBe(30);
    expect(Math.max(...s)).toBeLessThan(100);
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    expect(() => Rng.fromSeed(-1)).toThrow(/seed must be a non-negative safe integer, got -1/);
    expect(() => Rng.fromSeed(1.5)).toThrow(/seed/);
  });
});
