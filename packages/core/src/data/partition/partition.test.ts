import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng/rng.js';
import { type PartitionSpec, partition } from './partition.js';
import { summarizePartition } from './summary.js';

/** 6,000 labels, 600 per class, in a scrambled order. */
const labels = Rng.fromSeed(99).shuffle(Int32Array.from({ length: 6000 }, (_, i) => i % 10));

const expectExactCover = (parts: Int32Array[], n: number) => {
  const seen = new Uint8Array(n);
  for (const part of parts) for (const i of part) seen[i]++;
  expect(seen.every((v) => v === 1)).toBe(true);
  expect(parts.reduce((a, p) => a + p.length, 0)).toBe(n);
};

const specs: PartitionSpec[] = [
  { kind: 'iid' },
  { kind: 'shards' },
  { kind: 'shards', shardsPerClient: 3 },
  { kind: 'dirichlet', alpha: 0.1 },
  { kind: 'dirichlet', alpha: 10 },
  { kind: 'lognormal', sigma: 1 },
];

describe.each(specs)('partition $kind %o', (spec) => {
  it('assigns every index exactly once', () => {
    expectExactCover(partition(spec, labels, 37, Rng.fromSeed(1)), labels.length);
  });

  it('is reproducible by seed and changes with the seed', () => {
    const a = partition(spec, labels, 20, Rng.fromSeed(5));
    expect(partition(spec, labels, 20, Rng.fromSeed(5))).toEqual(a);
    expect(partition(spec, labels, 20, Rng.fromSeed(6))).not.toEqual(a);
  });

  it('leaves no client empty, even with many clients', () => {
    const parts = partition(spec, labels, 1000, Rng.fromSeed(2));
    expect(Math.min(...parts.map((p) => p.length))).toBeGreaterThanOrEqual(1);
  });
});

describe('iid', () => {
  it('gives sizes within one of n / clients and near-global label mixes', () => {
    const parts = partition({ kind: 'iid' }, labels, 7, Rng.fromSeed(3));
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(summarizePartition(parts, labels, 10).labelSkew).toBeLessThan(0.05);
  });
});

describe('shards (McMahan et al. 2017)', () => {
  it('gives each client exactly shardsPerClient · n / shards examples from few labels', () => {
    const parts = partition({ kind: 'shards', shardsPerClient: 2 }, labels, 100, Rng.fromSeed(4));
    // 200 shards of 30 examples: each client 60 examples; a shard crosses a label boundary only when
    // 600 is not a multiple of 30, which it is, so each client sees at most 2 labels.
    expect(parts.every((p) => p.length === 60)).toBe(true);
    const summary = summarizePartition(parts, labels, 10);
    expect(summary.labelsPerClient.max).toBe(2);
    expect(summary.labelsPerClient.mean).toBeLessThan(2);
    expect(summary.labelSkew).toBeGreaterThan(0.75);
  });

  it('cuts uneven shards within one example of n / shards', () => {
    const parts = partition({ kind: 'shards', shardsPerClient: 2 }, labels.subarray(0, 5999), 7, Rng.fromSeed(4));
    expectExactCover(parts, 5999);
    for (const p of parts) expect(Math.abs(p.length - 5999 / 7)).toBeLessThanOrEqual(2);
  });
});

describe('dirichlet label skew', () => {
  const skew = (alpha: number) => {
    let total = 0;
    for (let seed = 0; seed < 5; seed++) {
      const parts = partition({ kind: 'dirichlet', alpha }, labels, 20, Rng.fromSeed(seed));
      total += summarizePartition(parts, labels, 10).labelSkew;
    }
    return total / 5;
  };

  it('is far more skewed for alpha = 0.1 than for alpha = 100, which is near IID', () => {
    const small = skew(0.1);
    const large = skew(100);
    const iid = summarizePartition(partition({ kind: 'iid' }, labels, 20, Rng.fromSeed(0)), labels, 10).labelSkew;
    expect(small).toBeGreaterThan(0.6);
    expect(large).toBeLessThan(0.08);
    expect(large).toBeLessThan(2 * iid + 0.03);
    expect(skew(1)).toBeGreaterThan(large);
    expect(skew(1)).toBeLessThan(small);
  });

  it('tops up small clients to minSize from the largest', () => {
    const parts = partition({ kind: 'dirichlet', alpha: 0.05, minSize: 25 }, labels, 50, Rng.fromSeed(7));
    expectExactCover(parts, labels.length);
    expect(Math.min(...parts.map((p) => p.length))).toBeGreaterThanOrEqual(25);
  });
});

describe('lognormal quantity skew', () => {
  it('gives equal sizes for sigma = 0', () => {
    const parts = partition({ kind: 'lognormal', sigma: 0 }, labels, 12, Rng.fromSeed(1));
    expect(parts.every((p) => p.length === 500)).toBe(true);
  });

  it('gives log sizes with standard deviation sigma (0.5, not its square)', () => {
    const big = new Int32Array(2_000_000);
    const parts = partition({ kind: 'lognormal', sigma: 0.5 }, big, 2000, Rng.fromSeed(2));
    const logs = parts.map((p) => Math.log(p.length));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const std = Math.sqrt(logs.reduce((a, v) => a + (v - mean) ** 2, 0) / logs.length);
    expect(std).toBeGreaterThan(0.47);
    expect(std).toBeLessThan(0.53);
  });
});

describe('partition options', () => {
  const rng = Rng.fromSeed(1);
  it.each([
    [{ kind: 'random' }, /partition.kind must be one of iid, shards, dirichlet, lognormal, got "random"/],
    [{ kind: 'dirichlet', alpha: 0 }, /partition.alpha must be > 0, got 0/],
    [{ kind: 'dirichlet', alpha: 1, minSize: 1000 }, /partition.minSize must be at most 600/],
    [{ kind: 'lognormal', sigma: -1 }, /partition.sigma must be >= 0, got -1/],
    [{ kind: 'shards', shardsPerClient: 0 }, /partition.shardsPerClient must be > 0, got 0/],
    [{ kind: 'shards', shardsPerClient: 700 }, /partition.shardsPerClient must be at most 600/],
    [{ kind: 'iid', alpha: 1 }, /partition has unknown key "alpha"/],
  ])('rejects %o', (spec, message) => {
    expect(() => partition(spec as PartitionSpec, labels, 10, rng)).toThrow(message);
  });

  it('rejects more clients than examples and label-based partitioners on regression targets', () => {
    expect(() => partition({ kind: 'iid' }, new Int32Array(5), 6, rng)).toThrow(
      /clients must be an integer in \[1, 5\]/,
    );
    expect(() => partition({ kind: 'shards' }, new Float32Array(50), 5, rng)).toThrow(/iid or lognormal/);
    expectExactCover(partition({ kind: 'lognormal', sigma: 1 }, new Float32Array(50), 5, rng), 50);
  });

  it('does not advance the caller stream', () => {
    const a = Rng.fromSeed(3);
    partition({ kind: 'iid' }, labels, 4, a);
    expect(a.nextUint32()).toBe(Rng.fromSeed(3).nextUint32());
  });
});
