import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { withFedNova } from './fednova.js';
import { meanAggregator } from './mean.js';
import { withScaffold } from './scaffold.js';

const ctx = { round: 0, selected: [0, 1, 2], kernels: jsKernels, rng: Rng.fromSeed(0) };
const updates = [
  { node: 0, samples: 10, steps: 2, delta: Float32Array.of(1, -2, 0.5) },
  { node: 1, samples: 30, steps: 6, delta: Float32Array.of(-0.5, 4, 1) },
  { node: 2, samples: 60, steps: 12, delta: Float32Array.of(2, 0, -1) },
];
const weights = Float64Array.of(0.1, 0.3, 0.6);

describe('withFedNova', () => {
  it('scales the aggregate of the normalized updates by τ_eff = Σ p_k τ_k', () => {
    const out = new Float32Array(3);
    expect(withFedNova(meanAggregator()).aggregate(updates, weights, out, ctx)).toBe(true);
    const tauEff = 0.1 * 2 + 0.3 * 6 + 0.6 * 12; // 9.2
    for (let i = 0; i < 3; i++) {
      const mean = Math.fround(updates.reduce((a, u, k) => a + weights[k] * u.delta[i], 0));
      expect(out[i]).toBeCloseTo(tauEff * mean, 5);
    }
  });

  it('fails the round loudly when an update carries no step count', () => {
    const { steps: _s, ...bare } = updates[1];
    const agg = withFedNova(meanAggregator());
    expect(() => agg.aggregate([updates[0], bare], Float64Array.of(0.5, 0.5), new Float32Array(3), ctx)).toThrow(
      /fednova: node 1 reported undefined local steps/,
    );
  });
});

describe('withScaffold', () => {
  it('updates c ← (1 − Σ_S q_k)·c − Σ_S q_k Δy_k/(τ_k η) and keeps x on the inner aggregate', () => {
    const c0 = Float32Array.of(0.2, -0.1, 0.05);
    const control = { c: c0.slice() };
    const share = [0.05, 0.15, 0.3, 0.5]; // four clients; node 3 did not take part
    const eta = 0.1;
    const agg = withScaffold(meanAggregator(), { share: (n) => share[n], lr: eta, control });
    const out = new Float32Array(3);
    expect(agg.aggregate(updates, weights, out, ctx)).toBe(true);
    const plain = new Float32Array(3);
    meanAggregator().aggregate(updates, weights, plain, ctx);
    expect(out).toEqual(plain);
    for (let i = 0; i < 3; i++) {
      // Δc_k = −c − Δy_k/(τ_k η); c + Σ q_k Δc_k
      const want = c0[i] + updates.reduce((a, u, k) => a + share[k] * (-c0[i] - u.delta[i] / (u.steps * eta)), 0);
      expect(control.c[i]).toBeCloseTo(want, 5);
    }
  });

  it('checkpoints c as its state and restores it', () => {
    const control = { c: Float32Array.of(1, 2, 3) };
    const agg = withScaffold(meanAggregator(), { share: () => 0.25, lr: 0.1, control });
    const saved = agg.state?.();
    expect(saved?.control).toEqual(Float32Array.of(1, 2, 3));
    control.c.fill(0);
    agg.load?.(saved ?? {});
    expect(control.c).toEqual(Float32Array.of(1, 2, 3));
  });
});
