import { describe, expect, it } from 'vitest';
import { distance, federate, gdFixedPoint, makeQuadratic, solve, weightedOptimum } from './quadratic-fixture.js';

// Three non-IID clients of unequal sizes; with a fixed minibatch size the larger clients take more local
// steps, here τ_i ∝ n_i full-batch GD steps, so every fixed point has a closed form.
const q = makeQuadratic([20, 40, 80], 3);
const tau = [2, 4, 8];
const eta = 0.02;
const truth = weightedOptimum(q, q.p); // argmin Σ p_i f_i

describe('FedAvg and FedNova with unequal local steps on quadratics (Wang et al. 2020)', () => {
  it('FedAvg converges to the biased fixed point Σ p_i S_i (A_i x − b_i) = 0, not the optimum', async () => {
    const { x } = await federate(q, { algo: 'fedavg', eta, tau, rounds: 1500 });
    const fixed = gdFixedPoint(q, eta, tau, q.p);
    expect(distance(x, fixed)).toBeLessThan(2e-4);
    // the bias is real: far larger than the tolerance
    expect(distance(fixed, truth)).toBeGreaterThan(0.05);
    // and as η → 0 it is the minimizer of the surrogate Σ p_i τ_i f_i (objective inconsistency)
    const surrogate = weightedOptimum(
      q,
      q.p.map((p, i) => p * tau[i]),
    );
    expect(distance(gdFixedPoint(q, 1e-5, tau, q.p), surrogate)).toBeLessThan(1e-3);
    expect(distance(surrogate, truth)).toBeGreaterThan(0.05);
  });

  it('FedNova converges to its fixed point Σ p_i S_i (A_i x − b_i)/τ_i = 0, the optimum of Σ p_i f_i up to O(η)', async () => {
    const cNova = q.p.map((p, i) => p / tau[i]);
    const run = await federate(q, { algo: 'fednova', eta, tau, rounds: 1500 });
    const fixed = gdFixedPoint(q, eta, tau, cNova);
    expect(distance(run.x, fixed)).toBeLessThan(2e-4);
    // At η = 0.02 FedNova's residual (0.11) is already under half FedAvg's bias (0.25); it is first order
    // in η (local GD is not exactly τ gradient steps at x), while FedAvg's bias does not shrink with η.
    const avgBias = distance(gdFixedPoint(q, eta, tau, q.p), truth);
    expect(distance(run.x, truth)).toBeLessThan(0.5 * avgBias);
    const small = eta / 10;
    const slow = await federate(q, { algo: 'fednova', eta: small, tau, rounds: 1000 });
    expect(distance(slow.x, gdFixedPoint(q, small, tau, cNova))).toBeLessThan(2e-4);
    expect(distance(slow.x, truth)).toBeLessThan(0.05 * distance(gdFixedPoint(q, small, tau, q.p), truth));
    expect(distance(gdFixedPoint(q, 1e-5, tau, cNova), truth)).toBeLessThan(1e-3);
  });

  it('with equal local steps FedNova is FedAvg (τ_eff = τ undoes the normalization)', async () => {
    const same = [4, 4, 4];
    const a = await federate(q, { algo: 'fedavg', eta, tau: same, rounds: 20 });
    const n = await federate(q, { algo: 'fednova', eta, tau: same, rounds: 20 });
    expect(distance(a.x, n.x)).toBeLessThan(1e-5);
  });
});

describe('SCAFFOLD removes client drift on non-IID quadratics (Karimireddy et al. 2020)', () => {
  it('converges to the optimum of Σ p_i f_i with several local steps, where FedAvg stays biased', async () => {
    const steps = [8, 8, 8];
    const rounds = 400;
    const s = await federate(q, { algo: 'scaffold', eta, tau: steps, rounds });
    const a = await federate(q, { algo: 'fedavg', eta, tau: steps, rounds });
    expect(distance(s.x, truth)).toBeLessThan(1e-3);
    expect(distance(a.x, truth)).toBeGreaterThan(0.05);
    // after 50 rounds SCAFFOLD is already much closer
    expect(distance(s.trace[49], truth)).toBeLessThan(0.2 * distance(a.trace[49], truth));
  });

  it('with 2 of 3 clients a round it still ends far closer to the optimum than FedAvg', async () => {
    const steps = [8, 8, 8];
    const s = await federate(q, { algo: 'scaffold', eta, tau: steps, rounds: 600, perRound: 2 });
    const a = await federate(q, { algo: 'fedavg', eta, tau: steps, rounds: 600, perRound: 2 });
    expect(distance(s.x, truth)).toBeLessThan(0.2 * distance(a.x, truth));
  });
});

describe('FedProx (Li et al. 2020): the proximal term μ/2‖w − x‖²', () => {
  it('local GD reaches the proximal point x − (A_i + μI)⁻¹∇f_i(x), whose step shrinks like 1/μ', async () => {
    const start = new Float32Array([0.5, -0.3, 0.2, 0.1]);
    const grads = q.A.map((Ai, i) => Ai.map((row, r) => row.reduce((acc, v, j) => acc + v * start[j], 0) - q.b[i][r]));
    let previous = Number.POSITIVE_INFINITY;
    for (const mu of [10, 100, 1000, 1e6]) {
      const lr = 0.5 / (mu + 60);
      const { trace } = await federate(q, { algo: 'fedprox', eta: lr, mu, tau: [400, 400, 400], rounds: 1, start });
      // the expected model: x + Σ p_i Δ_i with Δ_i = −(A_i + μI)⁻¹ ∇f_i(x)
      const want = Array.from(start, (v) => v as number);
      for (let i = 0; i < 3; i++) {
        const M = q.A[i].map((row, r) => row.map((v, c) => v + (r === c ? mu : 0)));
        const d = solve(M, grads[i]);
        for (let r = 0; r < want.length; r++) want[r] -= q.p[i] * d[r];
      }
      const moved = distance(trace[0], start);
      expect(distance(trace[0], want)).toBeLessThan(1e-3 * Math.max(moved, 1e-4));
      // μ·‖step‖ tends to ‖Σ p_i ∇f_i(x)‖ as μ grows: the model stays at the global one
      expect(moved).toBeLessThan(previous);
      previous = moved;
    }
    expect(previous).toBeLessThan(1e-4);
  });
});
