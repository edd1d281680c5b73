import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { centeredClipAggregator } from './centered-clip.js';
import { aggregateOnce, contextFor, distance, honestUpdates, plainMean } from './fixtures/robust-inputs.js';

const DIM = 18;

/** One clipping iteration from v in float64, by hand: v + (1/n) Σ (x − v)·min(1, τ/‖x − v‖). */
function handIteration(vectors: readonly Float32Array[], v: Float64Array, tau: number): Float64Array {
  const next = Float64Array.from(v);
  for (const x of vectors) {
    const r = distance(x, v);
    const c = Math.min(1, tau / r);
    for (let i = 0; i < v.length; i++) next[i] += (c * (x[i] - v[i])) / vectors.length;
  }
  return next;
}

describe('centered clipping', () => {
  it('equals the iteration computed by hand, round after round, with the momentum as the center', () => {
    const tau = 0.8;
    const beta = 0.5;
    const cc = centeredClipAggregator({ tau, iterations: 3, momentum: beta });
    let m = new Float64Array(DIM);
    for (let round = 0; round < 4; round++) {
      const vectors = honestUpdates(round + 1, 7, DIM, 1);
      let v = Float64Array.from(m);
      for (let l = 0; l < 3; l++) v = handIteration(vectors, v, tau);
      const out = aggregateOnce(cc, vectors, contextFor(0, round));
      for (let i = 0; i < DIM; i++) expect(out[i]).toBeCloseTo(v[i], 6);
      // The center is float32: the first round's result, then the EMA β·m + (1 − β)·v.
      m =
        round === 0
          ? Float64Array.from(out)
          : Float64Array.from(Float32Array.from(m, (x, i) => beta * x + (1 - beta) * out[i]));
      expect(Array.from(cc.state?.().center ?? [])).toEqual(Array.from(Float32Array.from(m)));
    }
  });

  it('moves at most L·τ from its center, however large the updates', () => {
    for (const [tau, iterations] of [
      [0.1, 1],
      [0.5, 3],
      [2, 10],
    ]) {
      const cc = centeredClipAggregator({ tau, iterations, momentum: 0 });
      const vectors = [
        ...honestUpdates(2, 6, DIM, 1),
        new Float32Array(DIM).fill(1e30),
        new Float32Array(DIM).fill(-3e38),
      ];
      const out = aggregateOnce(cc, vectors);
      expect(distance(out, new Float64Array(DIM))).toBeLessThanOrEqual(iterations * tau * (1 + 1e-6));
    }
  });

  it('f Byzantine updates move one iteration by at most 2fτ/n from where honest replacements would put it', () => {
    const n = 10;
    const tau = 0.3;
    for (const f of [1, 2, 4]) {
      const honest = honestUpdates(f, n, DIM, 1);
      const rng = Rng.fromSeed(f).fork('attack');
      const attacked = honest.map((h, k) => (k < f ? Float32Array.from(h, () => rng.normal(0, 1e6)) : h));
      const start = { center: Float32Array.from(plainMean(honest), (x) => x * 0.9) };
      const run = (vectors: Float32Array[]) => {
        const cc = centeredClipAggregator({ tau, iterations: 1, momentum: 0 });
        cc.load?.(start);
        return aggregateOnce(cc, vectors);
      };
      expect(distance(run(attacked), run(honest))).toBeLessThanOrEqual(((2 * f * tau) / n) * (1 + 1e-5));
    }
  });

  it('when every update is within τ of the center, one iteration is their unweighted mean', () => {
    const vectors = honestUpdates(4, 9, DIM, 0.01).map((v) => Float32Array.from(v, (x) => x * 0.01));
    const out = aggregateOnce(centeredClipAggregator({ tau: 10, iterations: 1, momentum: 0 }), vectors);
    const want = plainMean(vectors);
    for (let i = 0; i < DIM; i++)
      expect(Math.abs(out[i] - want[i])).toBeLessThanOrEqual(1e-7 * (1 + Math.abs(want[i])));
  });

  it('a state saved after round r and loaded into a new aggregator continues on the same bits', () => {
    const make = () => centeredClipAggregator({ tau: 0.5, iterations: 2, momentum: 0.9 }, 2);
    const rounds = Array.from({ length: 6 }, (_, r) => honestUpdates(r + 10, 8, DIM, 1));
    const straight = make();
    const outs = rounds.map((v, r) => Array.from(aggregateOnce(straight, v, contextFor(1, r))));
    const first = make();
    for (let r = 0; r < 3; r++) aggregateOnce(first, rounds[r], contextFor(1, r));
    const resumed = make();
    resumed.load?.(first.state?.() ?? {});
    for (let r = 3; r < 6; r++)
      expect(Array.from(aggregateOnce(resumed, rounds[r], contextFor(1, r)))).toEqual(outs[r]);
    expect(make().state?.()).toEqual({ center: null });
  });
});
