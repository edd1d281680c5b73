import { describe, expect, it } from 'vitest';
import { StarlingError } from '../errors.js';
import { jsKernels } from '../kernels/js.js';
import { Rng } from '../rng/rng.js';
import { calibrateNoiseMultiplier } from './calibrate-noise.js';
import { noisyMeanOfClipped } from './client-dp.js';
import { privacyEpsilon } from './privacy-commands.js';
import type { PrivacySpec } from './privacy-spec.js';
import { RdpAccountant } from './rdp-accountant.js';
import { ceilSignificant, type PrivacyRunShape, planRunPrivacy } from './run-plan.js';
import { BUDGET_STOP, RunPrivacy } from './run-privacy.js';

const centralized: PrivacyRunShape = {
  rounds: 4,
  local: { epochs: 1, batchSize: 50 },
  nodeSizes: [1000],
  clientRate: null,
};
const federated: PrivacyRunShape = {
  rounds: 30,
  local: { epochs: 1, batchSize: 10 },
  nodeSizes: Array(100).fill(50),
  clientRate: 0.1,
};
const dpsgd = (over: Partial<PrivacySpec> = {}): PrivacySpec => ({ mode: 'dpsgd', delta: 1e-5, clipNorm: 1, ...over });

describe('planRunPrivacy', () => {
  it('calibrates sigma for the planned steps when only targetEpsilon is given, never overshooting it', () => {
    const plan = planRunPrivacy(dpsgd({ targetEpsilon: 3 }), centralized);
    // q = batch 50 / 1000 examples; 1/q = 20 steps per round.
    expect(plan.perRound).toEqual({ noiseMultiplier: plan.noiseMultiplier, sampleRate: 0.05, steps: 20 });
    expect(plan.plannedSteps).toBe(80);
    expect(plan.calibrated).toBe(true);
    expect(plan.noiseMultiplier).toBe(
      calibrateNoiseMultiplier({ targetEpsilon: 3, delta: 1e-5, sampleRate: 0.05, steps: 80 }),
    );
    expect(plan.projectedEpsilon).toBeLessThanOrEqual(3);
    expect(plan.projectedEpsilon).toBeGreaterThan(2.99);
  });

  it('refuses a plan over budget with a privacy error that names the projected epsilon', () => {
    const spec = dpsgd({ targetEpsilon: 1, noiseMultiplier: 0.6 });
    const projected = privacyEpsilon({ sampleRate: 0.05, noiseMultiplier: 0.6, steps: 80, delta: 1e-5 }).epsilon;
    expect(projected).toBeGreaterThan(1);
    let caught: unknown;
    try {
      planRunPrivacy(spec, centralized);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StarlingError);
    expect((caught as StarlingError).code).toBe('privacy');
    expect((caught as StarlingError).message).toContain(
      `would spend epsilon ${ceilSignificant(projected)} > privacy.targetEpsilon 1`,
    );
    // With overBudget: stop the same plan is accepted (the run stops before the step that would exceed).
    expect(planRunPrivacy({ ...spec, overBudget: 'stop' }, centralized).projectedEpsilon).toBe(projected);
  });

  it('charges client mode at the client rate and local mode at z/2 with q = 1', () => {
    const client = planRunPrivacy({ mode: 'client', delta: 1e-5, clipNorm: 0.5, noiseMultiplier: 1 }, federated);
    expect(client.perRound).toEqual({ noiseMultiplier: 1, sampleRate: 0.1, steps: 1 });
    expect(client.central).toEqual({ clientRate: 0.1, population: 100 });
    expect(client.node).toEqual({ update: { clipNorm: 0.5, noiseMultiplier: 0, noise: 'seeded' } });
    const local = planRunPrivacy({ mode: 'local', delta: 1e-5, clipNorm: 0.5, targetEpsilon: 50 }, federated);
    expect(local.perRound.sampleRate).toBe(1);
    expect(local.perRound.noiseMultiplier).toBe(local.noiseMultiplier / 2);
    expect(local.node.update?.noiseMultiplier).toBe(local.noiseMultiplier);
    expect(local.projectedEpsilon).toBeLessThanOrEqual(50);
  });

  it('rejects options that do not fit the mode or the run', () => {
    expect(() => planRunPrivacy({ mode: 'client', delta: 1e-5, clipNorm: 1, noiseMultiplier: 1 }, centralized)).toThrow(
      'privacy.mode must be "dpsgd" for a centralized run',
    );
    expect(() =>
      planRunPrivacy({ mode: 'client', delta: 1e-5, clipNorm: 1, noiseMultiplier: 1, sampleRate: 0.1 }, federated),
    ).toThrow('privacy.sampleRate applies to mode dpsgd only');
    expect(() => planRunPrivacy(dpsgd(), centralized)).toThrow('privacy.noiseMultiplier must be set');
    expect(() => planRunPrivacy(dpsgd({ delta: 1, noiseMultiplier: 1 }), centralized)).toThrow('privacy.delta');
  });
});

describe('RunPrivacy', () => {
  it('after a run, the accountant reports the epsilon of privacyEpsilon for the same (q, sigma, steps)', () => {
    const plan = planRunPrivacy(dpsgd({ noiseMultiplier: 1.3 }), centralized);
    const p = new RunPrivacy(plan, Rng.fromSeed(1));
    for (let r = 0; r < centralized.rounds; r++) expect(p.beforeRound(r)).toBeNull();
    const want = privacyEpsilon({ sampleRate: 0.05, noiseMultiplier: 1.3, steps: 80, delta: 1e-5 }).epsilon;
    expect(p.epsilon()).toBe(want);
    expect(p.accountant.steps()).toBe(80);
    // Per round: the ε after that round's 20 steps, even once later rounds are charged.
    const after1 = privacyEpsilon({ sampleRate: 0.05, noiseMultiplier: 1.3, steps: 40, delta: 1e-5 }).epsilon;
    expect(p.epsilonAfter(1)).toBeCloseTo(after1, 12);
    expect(p.epsilonAfter(1)).toBeLessThan(p.epsilonAfter(2));
  });

  it('stops before the round that would exceed the budget and never exceeds it', () => {
    const plan = planRunPrivacy(dpsgd({ targetEpsilon: 2, noiseMultiplier: 0.9, overBudget: 'stop' }), {
      ...centralized,
      rounds: 50,
    });
    expect(plan.projectedEpsilon).toBeGreaterThan(2);
    const p = new RunPrivacy(plan, Rng.fromSeed(1));
    let opened = 0;
    while (p.beforeRound(opened) === null) {
      expect(p.epsilon()).toBeLessThanOrEqual(2);
      opened++;
    }
    expect(p.stoppedEarly).toBe(BUDGET_STOP);
    // One more round would have crossed the budget.
    const next = privacyEpsilon({ sampleRate: 0.05, noiseMultiplier: 0.9, steps: (opened + 1) * 20, delta: 1e-5 });
    expect(next.epsilon).toBeGreaterThan(2);
    expect(p.beforeRound(opened + 1)).toBe(BUDGET_STOP);
  });

  describe('client mode shortfall', () => {
    const spec = { mode: 'client', delta: 1e-5, clipNorm: 1, noiseMultiplier: 2 } as const;
    const updates = (m: number) => Array.from({ length: m }, () => new Float32Array(50_000).fill(0.1));
    /** What the server's withClientDp does around the mean: the ledger's release, then the estimator. */
    const release = (p: RunPrivacy, sampled: number, deltas: Float32Array[], out: Float32Array) => {
      const r = p.clientRelease(0, sampled, deltas.length);
      if (r === null) return false;
      noisyMeanOfClipped(jsKernels, deltas, r, r.rng, out);
      return true;
    };

    it('skip: the model is left unchanged and nothing is charged', () => {
      const p = new RunPrivacy(planRunPrivacy({ ...spec, onShortfall: 'skip' }, federated), Rng.fromSeed(1));
      expect(p.beforeRound(0)).toBeNull();
      const out = new Float32Array(50_000);
      expect(release(p, 4, updates(3), out)).toBe(false);
      expect(p.accountant.steps()).toBe(0);
      expect(p.roundStatus(0)).toBe('skipped');
    });

    it('recalibrate: noise on the mean stays z·S/(qN) and the round is charged at z·m/s', () => {
      const plan = planRunPrivacy({ ...spec, onShortfall: 'recalibrate' }, federated);
      const p = new RunPrivacy(plan, Rng.fromSeed(1));
      const out = new Float32Array(50_000);
      expect(release(p, 4, updates(3), out)).toBe(true);
      // Mean: 3 updates of 0.1 over q·N·m/s = 10·3/4 = 7.5; noise std on it: z·S/(qN) = 2/10.
      const mean = out.reduce((a, b) => a + b, 0) / out.length;
      const std = Math.sqrt(out.reduce((a, b) => a + (b - mean) ** 2, 0) / (out.length - 1));
      expect(mean).toBeCloseTo(0.3 / 7.5, 2);
      expect(Math.abs(std - 0.2)).toBeLessThan(0.004);
      expect(p.accountant.state().history).toEqual([{ noiseMultiplier: 1.5, sampleRate: 0.1, steps: 1 }]);
      expect(p.roundStatus(0)).toBe('recalibrated');
    });

    it('a full round is charged at (z, q), and a round with nobody sampled still releases noise', () => {
      const p = new RunPrivacy(planRunPrivacy(spec, federated), Rng.fromSeed(1));
      const out = new Float32Array(1000);
      expect(release(p, 0, [], out)).toBe(true);
      expect(out.some((v) => v !== 0)).toBe(true);
      expect(p.accountant.state().history).toEqual([{ noiseMultiplier: 2, sampleRate: 0.1, steps: 1 }]);
    });
  });

  describe('checkpoints', () => {
    it('state(r) is the ledger at the end of round r although round r + 1 was already charged', () => {
      const plan = planRunPrivacy(dpsgd({ noiseMultiplier: 1.1 }), { ...centralized, rounds: 10 });
      const p = new RunPrivacy(plan, Rng.fromSeed(1));
      for (let r = 0; r <= 6; r++) p.beforeRound(r); // the server opens round 6 before reporting round 5
      const s = p.state(5);
      expect(s.accountant.history).toEqual([{ noiseMultiplier: 1.1, sampleRate: 0.05, steps: 120 }]);
      expect(() => p.state(2)).toThrow(/no record of round 2/);
    });

    it('a ledger restored from state(r) continues to the bit-identical ε of the uninterrupted one', () => {
      // Varying per-round charges (client mode, recalibrated rounds), so the merged ledger has several entries.
      const plan = planRunPrivacy({ mode: 'client', delta: 1e-5, clipNorm: 1, noiseMultiplier: 1.3 }, federated);
      const replies = [4, 3, 4, 4, 2, 4, 4, 4, 3, 4, 4, 4, 4, 1, 4, 4, 4, 4, 4, 4];
      const round = (p: RunPrivacy, r: number) => {
        p.beforeRound(r);
        p.clientRelease(r, 4, replies[r]);
      };
      const whole = new RunPrivacy(plan, Rng.fromSeed(1));
      for (let r = 0; r < replies.length; r++) round(whole, r);
      const first = new RunPrivacy(plan, Rng.fromSeed(1));
      for (let r = 0; r <= 11; r++) round(first, r);
      const resumed = new RunPrivacy(plan, Rng.fromSeed(1));
      resumed.load(first.state(11));
      for (let r = 12; r < replies.length; r++) round(resumed, r);
      expect(resumed.epsilon()).toBe(whole.epsilon());
      expect(Array.from(resumed.accountant.rdp())).toEqual(Array.from(whole.accountant.rdp()));
      // Replaying the merged ledger alone adds n·curve where the run added curve n times.
      const replayed = RdpAccountant.fromState(first.state(11).accountant);
      expect(Array.from(replayed.rdp())).not.toEqual(Array.from(first.accountant.rdp()));
    });
  });
});
