import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { RoundMachine } from '../round-machine.js';
import type { RoundPlan } from '../round-types.js';
import { ServerOptimizer } from '../server-optimizer.js';
import { cappedWeights } from '../weights.js';
import { meanAggregator } from './mean.js';

const DIM = 37;

/** K random updates with sample counts in 0..20 (some zero), seeded. */
function randomRound(seed: number) {
  const rng = Rng.fromSeed(seed);
  const k = 1 + Math.floor(rng.uniform() * 8);
  return Array.from({ length: k }, (_, node) => ({
    node,
    samples: Math.floor(rng.uniform() * 21),
    delta: Float32Array.from({ length: DIM }, () => (rng.uniform() - 0.5) * 10 ** Math.floor(rng.uniform() * 6 - 3)),
  }));
}

/** Σ_k (n_k/Σn) Δ_k in float64, in node order, rounded once to float32 (uniform weights if Σn = 0). */
function closedFormMean(updates: ReturnType<typeof randomRound>): Float32Array {
  const total = updates.reduce((a, u) => a + u.samples, 0);
  const out = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) {
    let s = 0;
    for (const u of updates) s += (total > 0 ? u.samples / total : 1 / updates.length) * u.delta[i];
    out[i] = s;
  }
  return out;
}

const ctx = (round: number) => ({ round, selected: [], kernels: jsKernels, rng: Rng.fromSeed(0) });

describe('meanAggregator', () => {
  it.each(Array.from({ length: 25 }, (_, s) => s + 1))('equals the closed-form weighted mean (seed %i)', (seed) => {
    const updates = randomRound(seed);
    const out = new Float32Array(DIM).fill(Number.NaN); // stale contents must not leak
    const weights = cappedWeights(updates.map((u) => u.samples));
    expect(meanAggregator().aggregate(updates, weights, out, ctx(0))).toBe(true);
    expect(Array.from(out)).toEqual(Array.from(closedFormMean(updates)));
  });

  it('with unit weights writes the plain sum (the unit-sum property withClientDp relies on)', () => {
    const updates = randomRound(99);
    const out = new Float32Array(DIM);
    meanAggregator().aggregate(updates, new Float64Array(updates.length).fill(1), out, ctx(0));
    const sum = Float32Array.from({ length: DIM }, (_, i) => updates.reduce((a, u) => a + u.delta[i], 0));
    expect(Array.from(out)).toEqual(Array.from(sum));
    expect(meanAggregator().clientSensitivity).toBe('unit-sum');
  });

  it('through the RoundMachine: x1 = x0 + mean with capped weights, whatever the arrival order', () => {
    const updates = randomRound(7).map((u, i) => ({ ...u, samples: [50, 1, 1, 1, 1, 1, 1, 1][i] }));
    const plan: RoundPlan = {
      rounds: 1,
      participation: { kind: 'fraction', value: 1 },
      minCompletion: 1,
      deadlineMs: null,
      maxClientWeight: 0.5,
    };
    const run = (order: number[]) => {
      const x0 = Float32Array.from({ length: DIM }, (_, i) => i / 8);
      const m = new RoundMachine(
        x0,
        updates.map((u) => u.node),
        plan,
        new ServerOptimizer({ kind: 'plain' }),
        jsKernels,
        Rng.fromSeed(3),
      );
      m.handle({ type: 'start' });
      for (const i of order) m.handle({ type: 'update', round: 0, trainLoss: 0, ...updates[i] });
      return m.params;
    };
    const w = cappedWeights(
      updates.map((u) => u.samples),
      0.5,
    );
    expect(updates.length > 2 ? w[0] : 0.5).toBeCloseTo(0.5, 12); // the big client is capped at half
    const want = Float32Array.from({ length: DIM }, (_, i) => {
      let s = 0;
      for (let k = 0; k < updates.length; k++) s += w[k] * updates[k].delta[i];
      return i / 8 + Math.fround(s);
    });
    const forward = run(updates.map((_, i) => i));
    expect(Array.from(forward)).toEqual(Array.from(want));
    expect(Array.from(run(updates.map((_, i) => updates.length - 1 - i)))).toEqual(Array.from(forward));
  });
});
