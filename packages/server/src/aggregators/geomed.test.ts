import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { aggregateOnce, distance, honestUpdates, plainMean } from './fixtures/robust-inputs.js';
import { geomedAggregator } from './geomed.js';
import { distancesTo, smoothedObjective, weiszfeld } from './weiszfeld.js';

const precise = { iterations: 2000, nu: 1e-12, tolerance: 0 };

describe('geometric median (smoothed Weiszfeld)', () => {
  it('of an equilateral triangle is its centroid (the Fermat point, all angles < 120°)', () => {
    const h = Math.sqrt(3) / 2;
    const tri = [Float32Array.of(0, 0), Float32Array.of(1, 0), Float32Array.of(0.5, h)];
    const out = aggregateOnce(geomedAggregator(precise), tri);
    expect(out[0]).toBeCloseTo(0.5, 6);
    expect(out[1]).toBeCloseTo(h / 3, 6);
  });

  it('of a triangle with an angle ≥ 120° is that vertex (closed form)', () => {
    const tri = [Float32Array.of(0, 0), Float32Array.of(1, 0.05), Float32Array.of(-1, 0.05)];
    const out = aggregateOnce(geomedAggregator(precise), tri);
    expect(Math.hypot(out[0], out[1])).toBeLessThan(1e-5);
  });

  it('of scalars (d = 1, odd n) is their median', () => {
    const rng = Rng.fromSeed(3);
    const xs = Array.from({ length: 9 }, () => Float32Array.of(rng.normal(0, 5)));
    const out = aggregateOnce(geomedAggregator(precise), xs);
    const sorted = xs.map((x) => x[0]).sort((a, b) => a - b);
    expect(out[0]).toBe(Math.fround(sorted[4]));
  });

  it('satisfies the first-order condition Σ (x_k − z)/‖x_k − z‖ ≈ 0 in 20 dimensions', () => {
    const xs = honestUpdates(8, 15, 20, 2);
    const z = aggregateOnce(geomedAggregator(precise), xs);
    const g = new Float64Array(20);
    for (const x of xs) {
      const r = distance(x, z);
      for (let i = 0; i < 20; i++) g[i] += (x[i] - z[i]) / r;
    }
    expect(Math.hypot(...g)).toBeLessThan(1e-3 * xs.length);
  });

  it('never raises the smoothed objective above its start (the coordinate-wise median)', () => {
    const xs = honestUpdates(5, 12, 16, 3);
    const z = new Float64Array(16);
    const dist = new Float64Array(12);
    for (const steps of [1, 2, 5, 20]) {
      const start = Float64Array.from({ length: 16 }, (_, i) => xs.map((x) => x[i]).sort((a, b) => a - b)[6]);
      z.set(start);
      distancesTo(xs, z, dist);
      const before = smoothedObjective(dist, 1e-6);
      expect(weiszfeld(xs, z, { iterations: steps, nu: 1e-6, tolerance: 0 })).toBeLessThanOrEqual(steps);
      distancesTo(xs, z, dist);
      expect(smoothedObjective(dist, 1e-6)).toBeLessThanOrEqual(before);
    }
  });

  it('stops once a step gains less than the tolerance', () => {
    const xs = honestUpdates(6, 12, 16, 3);
    const z = Float64Array.from(plainMean(xs));
    const steps = weiszfeld(xs, z, { iterations: 500, nu: 1e-6, tolerance: 1e-4 });
    expect(steps).toBeGreaterThan(1);
    expect(steps).toBeLessThan(500);
  });
});

describe('geometric median breakdown point', () => {
  /** The bound for honest points within r of c and f < n/2 arbitrary ones: ‖GM − c‖ ≤ 2(n − f)r/(n − 2f). */
  const bound = (n: number, f: number, r: number) => (2 * (n - f) * r) / (n - 2 * f);

  it.each([
    [5, 2],
    [10, 4],
    [21, 10],
  ])(
    'n = %i, f = %i < n/2: stays within 2(n − f)r/(n − 2f) of the honest center however far the attackers are',
    (n, f) => {
      const d = 12;
      const honest = honestUpdates(n, n - f, d, 0.5);
      const c = plainMean(honest);
      const r = Math.max(...honest.map((h) => distance(h, c)));
      for (const far of [1e3, 1e10, 1e30]) {
        const rng = Rng.fromSeed(Math.log10(far)).fork('attack');
        const attackers = Array.from({ length: f }, () =>
          Float32Array.from({ length: d }, () => far * rng.normal(0, 1)),
        );
        for (const iterations of [1, 10, 200]) {
          const z = aggregateOnce(geomedAggregator({ iterations, nu: 1e-6, tolerance: 0 }), [...honest, ...attackers]);
          expect(distance(z, c)).toBeLessThanOrEqual(bound(n, f, r) * 1.0001);
        }
      }
    },
  );

  it('breaks at f > n/2: the attackers carry it as far as they go', () => {
    const honest = honestUpdates(1, 4, 12, 0.5);
    const attackers = Array.from({ length: 5 }, (_, k) => new Float32Array(12).fill(1e6 + k));
    const z = aggregateOnce(geomedAggregator({ iterations: 50, nu: 1e-6, tolerance: 0 }), [...honest, ...attackers]);
    expect(distance(z, plainMean(honest))).toBeGreaterThan(1e6);
  });
});
