// The robust aggregators in a run: through the RoundMachine on both kernel backends against a poisoned
// update of 1e30s, and end to end with a compressed uplink (inline and threads on the same bits) and with
// client-level DP (norm_bound composes, the others are refused before the run starts).
import { join } from 'node:path';
import { jsKernels, type Kernels, Rng, StarlingError } from '@starling/core';
import { loadBinding, nativeKernels } from '@starling/native';
import { runExperiment } from '@starling/runner';
import { makeAggregator, RoundMachine, type RoundPlan, ServerOptimizer } from '@starling/server';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { smallFedAvg } from '../e2e/e2e-helpers.js';

const backends: [string, Kernels][] = [
  ['js', jsKernels],
  ['native', nativeKernels(loadBinding())],
];
const plan: RoundPlan = {
  rounds: 1,
  participation: { kind: 'fraction', value: 1 },
  minCompletion: 1,
  deadlineMs: null,
  maxClientWeight: 1,
};
const ROBUST = [
  { kind: 'median' },
  { kind: 'trimmed_mean', beta: 0.2 },
  { kind: 'krum', f: 1 },
  { kind: 'multi_krum', f: 1 },
  { kind: 'geomed' },
  { kind: 'centered_clip', tau: 2 },
  { kind: 'norm_bound', bound: 2 },
  { kind: 'median', bucketing: 2 },
  { kind: 'centered_clip', tau: 2, bucketing: 2 },
];

/** One round of 7 nodes of which node 3 sends 1e30 everywhere; returns the model after it. */
function poisonedRound(kernels: Kernels, spec: Record<string, unknown>): Float32Array {
  const d = 64;
  const rng = Rng.fromSeed(3);
  const g = Float32Array.from({ length: d }, () => rng.normal(0, 0.1));
  const m = new RoundMachine(
    new Float32Array(d),
    [0, 1, 2, 3, 4, 5, 6],
    plan,
    new ServerOptimizer({ kind: 'plain' }),
    kernels,
    Rng.fromSeed(1),
    {
      aggregator: makeAggregator(spec),
    },
  );
  m.handle({ type: 'start' });
  for (let node = 0; node < 7; node++) {
    const r = rng.fork('node', node);
    const delta = node === 3 ? new Float32Array(d).fill(1e30) : Float32Array.from(g, (v) => v + r.normal(0, 0.02));
    m.handle({ type: 'update', round: 0, node, samples: 10, trainLoss: 0, delta });
  }
  return m.params;
}

describe.each(backends)('a 1e30 update against the robust aggregators (%s kernels)', (_name, kernels) => {
  it.each(ROBUST.map((s) => [JSON.stringify(s), s] as const))('%s keeps the model near the honest step', (_, spec) => {
    const x = poisonedRound(kernels, spec);
    expect(Math.max(...x.map(Math.abs))).toBeLessThan(1);
  });

  it('the plain mean takes it: every weight times 1e30 lands in the model', () => {
    const x = poisonedRound(kernels, { kind: 'mean' });
    expect(Math.min(...x)).toBeGreaterThan(1e29);
  });
});

const base = {
  seed: 3,
  data: { kind: 'mnist', limit: 2000, testFraction: 0.2 },
  model: { kind: 'mlp', hidden: [32] },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.05 },
  kernels: 'js',
};
const fedavg = {
  kind: 'fedavg',
  rounds: 6,
  clients: 12,
  fraction: 1,
  batchSize: 20,
  partition: { kind: 'dirichlet', alpha: 0.3 },
};
const run = (name: string, extra: Record<string, unknown>) =>
  runExperiment({ name, ...base, ...extra }, { out: join(tempDir(), name), logLevel: 'silent' });

describe('robust aggregators in a run', () => {
  it('compose with a compressed uplink (updates are decoded first); inline and threads end on the same bits', () => {
    const sets = [
      'algorithm.rounds=4',
      'algorithm.partition={kind: dirichlet, alpha: 0.3}',
      'compression.up={kind: qsgd, levels: 16}',
      'algorithm.aggregator={kind: trimmed_mean, beta: 0.2, bucketing: 2}',
    ];
    const once = (extra: string[]) => {
      const args = [...sets, ...extra].flatMap((v) => ['--set', v]);
      const r = starling(['run', ...smallFedAvg, ...args, '--out', join(tempDir(), 'run'), '--json'], {
        STARLING_KERNELS: 'js',
      });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const inline = once([]);
    const threads = once(['runtime={kind: threads}']);
    expect(threads.model_sha256).toBe(inline.model_sha256);
    expect(inline.test_accuracy).toBeGreaterThan(0.5);
    expect(once(['algorithm.aggregator={kind: mean}']).model_sha256).not.toBe(inline.model_sha256);
  }, 180_000);

  it('client-level DP composes with norm_bound and refuses median before the run starts (config error)', async () => {
    const privacy = { mode: 'client', noiseMultiplier: 1, delta: 1e-5, clipNorm: 0.5 };
    const dp = await run('dp-norm-bound', {
      algorithm: { ...fedavg, fraction: 0.5, aggregator: { kind: 'norm_bound', bound: 0.25 } },
      privacy,
    });
    expect(dp.epsilon).toBeGreaterThan(0);
    const refused = run('dp-median', { algorithm: { ...fedavg, aggregator: { kind: 'median' } }, privacy });
    await expect(refused).rejects.toThrow(StarlingError);
    await expect(refused).rejects.toMatchObject({ code: 'config', path: 'algorithm.aggregator.kind' });
    await expect(refused).rejects.toThrow(/median: the coordinate-wise median is not a sum/);
  }, 180_000);
});
