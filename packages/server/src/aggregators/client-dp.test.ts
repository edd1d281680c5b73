import {
  type ClientRelease,
  clipToNorm,
  jsKernels,
  noisyMeanOfClipped,
  planRunPrivacy,
  Rng,
  RunPrivacy,
  StarlingError,
} from '@starling/core';
import { describe, expect, it } from 'vitest';
import { RoundMachine } from '../round-machine.js';
import type { RoundPlan } from '../round-types.js';
import { ServerOptimizer } from '../server-optimizer.js';
import type { Aggregator } from './aggregator.js';
import { makeAggregator } from './aggregator-table.js';
import { withClientDp } from './client-dp.js';
import { meanAggregator } from './mean.js';
import { normBoundAggregator } from './norm-bound.js';

const DIM = 41;
const S = 0.5;
const shape = { rounds: 6, local: { epochs: 1, batchSize: 8 }, nodeSizes: Array(40).fill(8), clientRate: 0.25 };
const ledger = (onShortfall: 'skip' | 'recalibrate' = 'recalibrate') =>
  new RunPrivacy(
    planRunPrivacy({ mode: 'client', delta: 1e-5, clipNorm: S, noiseMultiplier: 1.1, onShortfall }, shape),
    Rng.fromSeed(5).fork('dp-central'),
  );

/** A node-clipped update (norm ≤ S) with a node-specific direction. */
function clipped(seed: number, node: number): Float32Array {
  const rng = Rng.fromSeed(seed).fork('update', node);
  const d = Float32Array.from({ length: DIM }, () => rng.normal(0, 1));
  clipToNorm(d, S);
  return d;
}

/** The previous implementation: RunPrivacy's client-mode hook, i.e. the ledger's release, then noisyMeanOfClipped. */
function previousHook(p: RunPrivacy): Aggregator {
  return {
    kind: 'previous',
    quorum: 'own',
    aggregate(updates, _w, out, ctx) {
      const r = p.clientRelease(ctx.round, ctx.selected.length, updates.length);
      if (r === null) return false;
      noisyMeanOfClipped(
        ctx.kernels,
        updates.map((u) => u.delta),
        r,
        r.rng,
        out,
      );
      return true;
    },
  };
}

const ctx = (round: number, selected: number[]) => ({ round, selected, kernels: jsKernels, rng: Rng.fromSeed(0) });

describe('withClientDp around the mean', () => {
  it.each([0, 1, 3, 8])('gives the bits of the previous implementation and of a plain reference (%i replies)', (m) => {
    const updates = Array.from({ length: m }, (_, node) => ({ node, samples: node + 1, delta: clipped(m, node) }));
    const selected = updates.map((u) => u.node);
    const out = new Float32Array(DIM).fill(Number.NaN);
    const aggregated = withClientDp(meanAggregator(), ledger()).aggregate(
      updates,
      new Float64Array(m),
      out,
      ctx(2, selected),
    );
    const prev = new Float32Array(DIM);
    expect(previousHook(ledger()).aggregate(updates, new Float64Array(m), prev, ctx(2, selected))).toBe(true);
    expect(aggregated).toBe(true);
    expect(Array.from(out)).toEqual(Array.from(prev));
    // Plain reference: float32 sum of the updates in node order, plus z·S·N(0, 1) from the ledger's
    // round stream, rounded to float32, times 1/(qN) in float32.
    const release = ledger().clientRelease(2, m, m) as ClientRelease;
    expect(release.std).toBe(1.1 * S);
    expect(release.denominator).toBe(10);
    const want = Float32Array.from({ length: DIM }, (_, i) => updates.reduce((a, u) => a + u.delta[i], 0));
    for (let i = 0; i < DIM; i++) want[i] += release.rng.normal(0, release.std);
    for (let i = 0; i < DIM; i++) want[i] *= 1 / release.denominator;
    expect(Array.from(out)).toEqual(Array.from(want));
  });

  it('a run through the RoundMachine ends on the same bits and ledger as the previous hook', () => {
    const plan: RoundPlan = {
      rounds: 6,
      participation: { kind: 'poisson', rate: 0.25 },
      minCompletion: 1,
      deadlineMs: null,
      maxClientWeight: 1,
    };
    const run = (make: (p: RunPrivacy) => Aggregator, onShortfall: 'skip' | 'recalibrate') => {
      const p = ledger(onShortfall);
      const nodes = Array.from({ length: 40 }, (_, i) => i);
      const m = new RoundMachine(
        new Float32Array(DIM),
        nodes,
        plan,
        new ServerOptimizer({ kind: 'fedavgm', lr: 1, momentum: 0.9 }),
        jsKernels,
        Rng.fromSeed(9),
        { beforeRound: (r) => p.beforeRound(r), aggregator: make(p) },
      );
      let cmds = m.handle({ type: 'start' });
      const aggregated: boolean[] = [];
      while (cmds.length > 0) {
        const next = [];
        for (const c of cmds) {
          if (c.type === 'round-closed') aggregated.push(c.summary.aggregated);
          if (c.type !== 'dispatch') continue;
          for (const node of c.nodes) {
            // Every fifth node fails: shortfalls happen, so skip and recalibrate both show up.
            if (node % 5 === 0) next.push(...m.handle({ type: 'failure', round: c.round, node, reason: 'x' }));
            else
              next.push(
                ...m.handle({
                  type: 'update',
                  round: c.round,
                  node,
                  samples: 8,
                  trainLoss: 0,
                  delta: clipped(c.round, node),
                }),
              );
          }
        }
        cmds = next;
      }
      return {
        params: Array.from(m.params),
        eps: p.epsilon(),
        aggregated,
        status: [0, 1, 2, 3, 4, 5].map((r) => p.roundStatus(r)),
      };
    };
    for (const policy of ['skip', 'recalibrate'] as const) {
      const now = run((p) => withClientDp(meanAggregator(), p), policy);
      const before = run(previousHook, policy);
      expect(now).toEqual(before);
      expect(now.status).toContain(policy === 'skip' ? 'skipped' : 'recalibrated');
      expect(now.params.some((v) => v !== 0)).toBe(true);
    }
  });

  it('clips an update over S·(1 + 1e-6) on a copy and leaves node-clipped updates as they are', () => {
    const small = clipped(1, 0);
    const big = Float32Array.from(clipped(1, 1), (v) => v * 3);
    const bigCopy = Float32Array.from(big);
    const updates = [
      { node: 0, samples: 1, delta: small },
      { node: 1, samples: 1, delta: big },
    ];
    const out = new Float32Array(DIM);
    withClientDp(meanAggregator(), ledger()).aggregate(updates, new Float64Array(2), out, ctx(0, [0, 1]));
    expect(Array.from(big)).toEqual(Array.from(bigCopy)); // the runtime's buffer is untouched
    const clippedBig = Float32Array.from(big);
    clipToNorm(clippedBig, S);
    const want = new Float32Array(DIM);
    const r = ledger().clientRelease(0, 2, 2) as ClientRelease;
    noisyMeanOfClipped(jsKernels, [small, clippedBig], r, r.rng, want);
    expect(Array.from(out)).toEqual(Array.from(want));
  });

  it('refuses an inner aggregator without a client-DP sensitivity bound, with a config error', () => {
    const median: Aggregator = { kind: 'median', quorum: 'plan', aggregate: () => true };
    expect(() => withClientDp(median, ledger())).toThrow(
      'algorithm.aggregator.kind must be an aggregator with a known client-DP sensitivity (mean, norm_bound) under privacy.mode client (median: no client-DP sensitivity bound is known for it), got "median"',
    );
  });

  it('a skipped shortfall releases nothing: aggregate returns false and nothing is charged', () => {
    const p = ledger('skip');
    const updates = [{ node: 3, samples: 1, delta: clipped(0, 3) }];
    expect(
      withClientDp(meanAggregator(), p).aggregate(updates, new Float64Array(1), new Float32Array(DIM), ctx(0, [1, 3])),
    ).toBe(false);
    expect(p.roundStatus(0)).toBe('skipped');
    expect(p.accountant.steps()).toBe(0);
  });
});

describe('withClientDp around the robust aggregators', () => {
  it.each([
    [{ kind: 'median' }, 'the coordinate-wise median is not a sum'],
    [{ kind: 'trimmed_mean', beta: 0.1 }, 'the trimmed mean is not a sum'],
    [{ kind: 'krum', f: 1 }, 'Krum returns one client’s update'],
    [{ kind: 'multi_krum', f: 1 }, 'Multi-Krum’s selection depends on every client'],
    [{ kind: 'geomed' }, 'the geometric median is not a sum'],
    [{ kind: 'centered_clip', tau: 1, bucketing: 2 }, 'centered clipping moves with every client'],
  ])('refuses %j with a config error naming the kind and the reason', (spec, reason) => {
    let error: unknown;
    try {
      withClientDp(makeAggregator(spec), ledger());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StarlingError);
    expect((error as StarlingError).code).toBe('config');
    expect((error as StarlingError).message).toContain(`(${spec.kind}: ${reason}`);
    expect((error as StarlingError).message).toMatch(/^algorithm\.aggregator\.kind must be /);
  });

  it('around norm_bound with b ≥ S gives the bits of the mean', () => {
    const updates = Array.from({ length: 6 }, (_, node) => ({ node, samples: 3, delta: clipped(4, node) }));
    const selected = updates.map((u) => u.node);
    const out = (inner: Aggregator) => {
      const o = new Float32Array(DIM);
      expect(withClientDp(inner, ledger()).aggregate(updates, new Float64Array(6), o, ctx(1, selected))).toBe(true);
      return Array.from(o);
    };
    expect(out(normBoundAggregator(S * 2))).toEqual(out(meanAggregator()));
  });

  it('around norm_bound with b < S releases (Σ clip_b(Δ_k) + noise)/D: the bound only shrinks the sensitivity', () => {
    const b = S / 4;
    const updates = Array.from({ length: 5 }, (_, node) => ({ node, samples: 3, delta: clipped(6, node) }));
    const o = new Float32Array(DIM);
    withClientDp(normBoundAggregator(b), ledger()).aggregate(updates, new Float64Array(5), o, ctx(3, [0, 1, 2, 3, 4]));
    const r = ledger().clientRelease(3, 5, 5) as ClientRelease;
    const want = Float32Array.from({ length: DIM }, (_, i) =>
      updates.reduce((a, u) => a + Math.min(1, b / Math.hypot(...u.delta)) * u.delta[i], 0),
    );
    for (let i = 0; i < DIM; i++) want[i] = (want[i] + r.rng.normal(0, r.std)) / r.denominator;
    for (let i = 0; i < DIM; i++) expect(o[i]).toBeCloseTo(want[i], 6);
  });
});
