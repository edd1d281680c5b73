import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { bundledMnist, loadMnist } from './mnist.js';

const countBy = (labels: ArrayLike<number>, classes: number) => {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
};

describe('bundled MNIST', () => {
  it('holds 10,000 digits with the published class counts', () => {
    const all = bundledMnist();
    expect([all.n, all.d, all.classes]).toEqual([10_000, 784, 10]);
    expect(countBy(all.y, 10)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it('has grayscale pixels in [0, 1] that reach both ends, on a three-decimal grid', () => {
    const { x } = bundledMnist();
    let min = 1;
    let max = 0;
    let offGrid = 0;
    for (let i = 0; i < x.length; i++) {
      min = Math.min(min, x[i]);
      max = Math.max(max, x[i]);
      if (Math.abs(x[i] * 1000 - Math.round(x[i] * 1000)) > 1e-3) offGrid++;
    }
    expect([min, max, offGrid]).toEqual([0, 1, 0]);
  });

  it('is parsed once per process', () => {
    expect(bundledMnist()).toBe(bundledMnist());
  });
});

describe('loadMnist split', () => {
  const fingerprint = (seed: number) => {
    const { train, test } = loadMnist(Rng.fromSeed(seed));
    let h = 0;
    for (let i = 0; i < test.x.length; i += 97) h = (h * 31 + Math.round(test.x[i] * 1000)) >>> 0;
    return [train.n, test.n, h, Array.from(test.y.subarray(0, 20))];
  };

  it('gives 8,000 train and 2,000 test digits by default, the same for the same seed', () => {
    const a = fingerprint(7);
    expect(a.slice(0, 2)).toEqual([8000, 2000]);
    expect(fingerprint(7)).toEqual(a);
  });

  it('gives a different split for a different seed', () => {
    expect(fingerprint(8)).not.toEqual(fingerprint(7));
  });

  it('is disjoint and covers every digit: train and test rows together are the whole set', () => {
    const all = bundledMnist();
    const { train, test } = loadMnist(Rng.fromSeed(3), 0.25);
    expect(train.n + test.n).toBe(all.n);
    // Each digit image is identified by its pixel row; compare multisets of row hashes.
    const key = (x: Float32Array, i: number) => {
      let h = 2166136261;
      for (let j = 0; j < 784; j++) h = Math.imul(h ^ Math.round(x[i * 784 + j] * 1000), 16777619);
      return h >>> 0;
    };
    const whole = new Map<number, number>();
    for (let i = 0; i < all.n; i++) whole.set(key(all.x, i), (whole.get(key(all.x, i)) ?? 0) + 1);
    for (const part of [train, test]) {
      for (let i = 0; i < part.n; i++) {
        const k = key(part.x, i);
        whole.set(k, (whole.get(k) ?? 0) - 1);
      }
    }
    expect([...whole.values()].every((v) => v === 0)).toBe(true);
  });

  it('is stratified: each class keeps round(n_c · testFraction) test digits', () => {
    const { test } = loadMnist(Rng.fromSeed(1), 0.1);
    const expected = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978].map((c) => Math.round(c * 0.1));
    expect(countBy(test.y, 10)).toEqual(expected);
  });

  it('shuffles the training order (not grouped by class)', () => {
    const { train } = loadMnist(Rng.fromSeed(1));
    let changes = 0;
    for (let i = 1; i < train.n; i++) if (train.y[i] !== train.y[i - 1]) changes++;
    expect(changes).toBeGreaterThan(6000); // about 0.9 · 8000 for a random order; 9 when sorted
  });
});
