import { jsKernels } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { cappedWeights } from '../weights.js';
import { asUpdates, contextFor, distance, honestUpdates } from './fixtures/robust-inputs.js';
import { meanAggregator } from './mean.js';
import { normBoundAggregator } from './norm-bound.js';

const DIM = 21;
const zero = new Float64Array(DIM);

function run(aggregator: ReturnType<typeof normBoundAggregator>, vectors: Float32Array[], samples: number[]) {
  const out = new Float32Array(DIM).fill(Number.NaN);
  expect(aggregator.aggregate(asUpdates(vectors, samples), cappedWeights(samples), out, contextFor())).toBe(true);
  return out;
}

describe('norm bounding', () => {
  it('is the weighted mean of the updates scaled to norm ≤ b (closed form)', () => {
    const vectors = honestUpdates(1, 6, DIM, 1);
    const samples = [10, 3, 7, 1, 20, 5];
    const b = vectors.map((v) => distance(v, zero)).sort((x, y) => x - y)[3]; // three above, three at or below
    const total = samples.reduce((a, s) => a + s, 0);
    const want = Float32Array.from({ length: DIM }, (_, i) =>
      vectors.reduce((a, v, k) => a + (samples[k] / total) * Math.min(1, b / distance(v, zero)) * v[i], 0),
    );
    expect(vectors.some((v) => distance(v, zero) > b)).toBe(true);
    expect(vectors.some((v) => distance(v, zero) <= b)).toBe(true);
    const out = run(normBoundAggregator(b), vectors, samples);
    for (let i = 0; i < DIM; i++) expect(out[i]).toBeCloseTo(want[i], 6);
  });

  it('gives the mean’s bits when no update exceeds the bound', () => {
    const vectors = honestUpdates(2, 5, DIM, 1);
    const samples = [4, 4, 9, 1, 2];
    const mean = new Float32Array(DIM);
    meanAggregator().aggregate(asUpdates(vectors, samples), cappedWeights(samples), mean, contextFor());
    expect(Array.from(run(normBoundAggregator(1e6), vectors, samples))).toEqual(Array.from(mean));
  });

  it('bounds a 1e30 update to weight × b instead of letting it take the model', () => {
    const vectors = [...honestUpdates(3, 4, DIM, 0.1), new Float32Array(DIM).fill(1e30)];
    const out = run(normBoundAggregator(5), vectors, [1, 1, 1, 1, 1]);
    // Σ_k p_k·min(‖Δ_k‖, b) ≤ b.
    expect(distance(out, zero)).toBeLessThanOrEqual(5 * (1 + 1e-6));
    const mean = new Float32Array(DIM);
    meanAggregator().aggregate(asUpdates(vectors), new Float64Array(5).fill(0.2), mean, contextFor());
    expect(Math.min(...mean)).toBeGreaterThan(1e29);
  });

  it('with unit weights writes Σ clip_b(Δ_k): one client moves it by at most b (unit-sum)', () => {
    const vectors = honestUpdates(4, 6, DIM, 3);
    const b = 2;
    const agg = normBoundAggregator(b);
    expect(agg.clientSensitivity).toBe('unit-sum');
    const sum = (vs: Float32Array[]) => {
      const out = new Float32Array(DIM);
      agg.aggregate(asUpdates(vs), new Float64Array(vs.length).fill(1), out, {
        ...contextFor(),
        kernels: jsKernels,
      });
      return out;
    };
    for (let k = 0; k < vectors.length; k++) {
      const without = vectors.filter((_, j) => j !== k);
      expect(distance(sum(vectors), sum(without))).toBeLessThanOrEqual(b * (1 + 1e-5));
    }
  });
});
