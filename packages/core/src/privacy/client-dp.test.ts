import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { Rng } from '../rng/rng.js';
import { noisyMeanOfClipped, privatizeUpdate } from './client-dp.js';

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

function sampleStd(v: Float32Array): number {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
}

describe('client-level DP', () => {
  it('clips every client update to norm at most S(1 + 1e-6) and keeps small ones unchanged', () => {
    const rng = Rng.fromSeed(4);
    for (let k = 0; k < 50; k++) {
      const delta = new Float32Array(257);
      rng.fillNormal(delta, 0, 10 ** (k / 10 - 2));
      const before = delta.slice();
      const S = 0.3;
      const scale = privatizeUpdate(delta, { clipNorm: S, noiseMultiplier: 0, noise: 'seeded' }, rng.fork('dp', k));
      expect(norm(delta)).toBeLessThanOrEqual(S * (1 + 1e-6));
      if (norm(before) <= S) expect(delta).toEqual(before);
      else expect(scale).toBeCloseTo(S / norm(before), 6);
    }
  });

  it('local DP adds noise of std z·S after clipping (z ≠ 1, so a variance would show)', () => {
    const delta = new Float32Array(100_000);
    const z = 3;
    const S = 0.4; // z·S = 1.2; (z·S)² = 1.44, z·S² = 0.48, z²·S = 3.6
    privatizeUpdate(delta, { clipNorm: S, noiseMultiplier: z, noise: 'seeded' }, Rng.fromSeed(3));
    expect(Math.abs(sampleStd(delta) - z * S)).toBeLessThan(0.012);
  });

  it('the central noise on the sum has std z·S and the fixed denominator divides it: std z·S/(qN) on the mean', () => {
    const out = new Float32Array(100_000);
    const z = 1.7;
    const S = 2;
    const D = 4; // q·N, e.g. q = 0.1 of N = 40 clients
    noisyMeanOfClipped(jsKernels, [], { std: z * S, denominator: D, noise: 'seeded' }, Rng.fromSeed(8), out);
    expect(Math.abs(sampleStd(out) - (z * S) / D)).toBeLessThan(0.01);
  });

  it('without noise it is the plain sum of updates over the fixed denominator, whoever replied', () => {
    const out = new Float32Array(2);
    const updates = [Float32Array.of(1, 2), Float32Array.of(3, -4), Float32Array.of(0.5, 0)];
    noisyMeanOfClipped(jsKernels, updates, { std: 0, denominator: 5, noise: 'seeded' }, Rng.fromSeed(1), out);
    expect(out[0]).toBeCloseTo(0.9, 6);
    expect(out[1]).toBeCloseTo(-0.4, 6);
  });

  it('rejects a non-finite update instead of clipping it', () => {
    const delta = Float32Array.of(1, Number.NaN);
    expect(() => privatizeUpdate(delta, { clipNorm: 1, noiseMultiplier: 0, noise: 'seeded' }, Rng.fromSeed(1))).toThrow(
      'non-finite',
    );
  });
});
