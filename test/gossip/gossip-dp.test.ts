import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { epsilonForNoiseMultiplier, RdpAccountant } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';
import { smallGossip } from './gossip-helpers.js';

const small = smallGossip('experiments/dpsgd-ring-16.yaml');
/** Peer sizes from LogNormal(0, 1) shares of 1,280 training blobs: q_i = 32/n_i differ from peer to peer. */
const uneven = 'algorithm.partition={kind: lognormal, sigma: 1, minSize: 40}';
const dpsgd = 'privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: 1, noiseMultiplier: 1.1}';

function run(sets: readonly string[], code = 0) {
  const out = join(tempDir(), 'run');
  const r = starling(['run', ...small, ...sets.flatMap((s) => ['--set', s]), '--out', out, '--json'], {
    STARLING_KERNELS: 'js',
  });
  expect(r.code, r.stderr).toBe(code);
  if (code !== 0) return { stderr: r.stderr, summary: null, lines: [], out };
  return { stderr: r.stderr, summary: JSON.parse(r.stdout), lines: metrics(out), out };
}

const sizes = (out: string): number[] =>
  JSON.parse(readFileSync(join(out, 'partition.json'), 'utf8')).clients.map((c: { n: number }) => c.n);

describe('DP on the gossip path', { timeout: 300_000 }, () => {
  it("gives each peer the single-node accountant's epsilon for its own q = batch/n_i, sigma and steps; the maximum is the run's", () => {
    const { summary, lines, out } = run([uneven, dpsgd, 'runtime={kind: inline}']);
    const n = sizes(out);
    expect(new Set(n).size).toBeGreaterThan(4);
    const p = summary.privacy;
    const rounds = 6;
    const steps = 5; // dpsgd-ring-16.yaml: localSteps 5
    n.forEach((ni, i) => {
      const q = Math.min(1, 32 / ni);
      expect(p.sample_rates[i]).toBe(q);
      expect(p.steps[i]).toBe(rounds * steps);
      // the single-node accountant, stepped one round at a time as the server path's RunPrivacy does
      const single = new RdpAccountant();
      for (let t = 0; t < rounds; t++) single.step({ noiseMultiplier: 1.1, sampleRate: q, steps });
      expect(p.epsilon_peers[i]).toBe(single.epsilon(1e-5).epsilon);
      const once = epsilonForNoiseMultiplier(1.1, { delta: 1e-5, sampleRate: q, steps: rounds * steps }).epsilon;
      expect(p.epsilon_peers[i]).toBeCloseTo(once, 10);
    });
    expect(summary.epsilon).toBe(Math.max(...p.epsilon_peers));
    expect(p.epsilon_peer).toBe(p.epsilon_peers.indexOf(summary.epsilon));
    // metrics: epsilon grows every round, and its last value is the summary's
    const eps = lines.map((l) => l.epsilon as number);
    expect(eps.every((e, t) => t === 0 || e > eps[t - 1])).toBe(true);
    expect(eps[rounds - 1]).toBe(summary.epsilon);
    expect(lines[rounds - 1].epsilon_peers).toEqual(p.epsilon_peers);
    expect(summary.test_accuracy).toBeGreaterThan(0.4);
  });

  it('ends on the same model bits and epsilon inline, over threads and over 4 peer processes', () => {
    const target = 'privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: 1, targetEpsilon: 4}';
    const [inline, threads, processes] = [
      'runtime={kind: inline}',
      'runtime={kind: threads, transport: ipc}',
      'runtime={kind: processes, workers: 4, transport: tcp}',
    ].map((rt) => run([uneven, target, 'algorithm.localSteps=3', rt]));
    for (const other of [threads, processes]) {
      expect(other.summary.model_sha256).toBe(inline.summary.model_sha256);
      expect(other.summary.privacy).toEqual(inline.summary.privacy);
      expect(other.lines.map((l) => l.epsilon_peers)).toEqual(inline.lines.map((l) => l.epsilon_peers));
    }
    // calibrated for the peer with the largest q: it spends the whole budget, the others less
    expect(inline.summary.epsilon).toBeLessThanOrEqual(4);
    expect(inline.summary.epsilon).toBeGreaterThan(3.99);
    expect(Math.min(...inline.summary.privacy.epsilon_peers)).toBeLessThan(3.99);
    // DP changes the model: the non-private run ends elsewhere
    const plain = run([uneven, 'algorithm.localSteps=3', 'runtime={kind: inline}']);
    expect(plain.summary.model_sha256).not.toBe(inline.summary.model_sha256);
    expect(plain.summary.epsilon).toBeNull();
  });

  it('local DP on the shared models: every peer charged q = 1 at z/2 per round, as the server path charges local DP', () => {
    const { summary } = run([
      'privacy={mode: local, delta: 1.0e-5, clipNorm: 0.5, noiseMultiplier: 4}',
      'algorithm.order=cta',
      'runtime={kind: inline}',
    ]);
    const single = epsilonForNoiseMultiplier(2, { delta: 1e-5, sampleRate: 1, steps: 6 }).epsilon;
    for (const e of summary.privacy.epsilon_peers) expect(e).toBeCloseTo(single, 10);
    expect(summary.privacy.mode).toBe('local');
    // the peers' updates were clipped and noised: the model is not the non-private one
    const plain = run(['algorithm.order=cta', 'runtime={kind: inline}']);
    expect(summary.model_sha256).not.toBe(plain.summary.model_sha256);
  });

  it('overBudget stop ends the run at the budget, before the round that would pass it', () => {
    const { summary, lines } = run([
      'privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: 1, noiseMultiplier: 2, targetEpsilon: 3.5, overBudget: stop}',
      'runtime={kind: inline}',
    ]);
    expect(summary.stopped_early).toBe('privacy budget');
    // 100 examples per peer: q = 0.32, 5 steps a round; epsilon 2.884 after 2 rounds, 3.478 after 3, 3.992 after 4
    expect(summary.rounds).toBe(3);
    expect(lines).toHaveLength(3);
    expect(summary.epsilon).toBeLessThanOrEqual(3.5);
    const at = (rounds: number) =>
      epsilonForNoiseMultiplier(2, { delta: 1e-5, sampleRate: 0.32, steps: 5 * rounds }).epsilon;
    expect(summary.epsilon).toBeCloseTo(at(3), 10);
    expect(at(4)).toBeGreaterThan(3.5);
    expect(summary.test_accuracy).not.toBeNull();
  });

  it('runs with CHOCO compressed gossip: what a peer sends is computed from its noised model and public copies', () => {
    const out = join(tempDir(), 'run');
    const r = starling(
      [
        'run',
        'experiments/compression-gossip.yaml',
        '--set',
        'algorithm.rounds=3',
        '--set',
        'algorithm.peers=4',
        '--set',
        'data.limit=2000',
        '--set',
        dpsgd,
        '--out',
        out,
        '--json',
      ],
      { STARLING_KERNELS: 'js' },
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.epsilon).toBeGreaterThan(0);
    expect(summary.payload_bytes).toBeGreaterThan(0);
  });

  it.each([
    ['consensus', ['algorithm={kind: consensus, rounds: 3, peers: 4, topology: {kind: ring}}'], /nothing to protect/],
    ['client mode', ['privacy.mode=client'], /client-level DP needs a server/],
    ['a plan over its target', ['privacy.targetEpsilon=0.5'], /would spend epsilon .* > privacy.targetEpsilon 0.5/],
    [
      'a budget too small for one round',
      ['privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: 1, noiseMultiplier: 0.5, targetEpsilon: 0.2, overBudget: stop}'],
      /not one round fits/,
    ],
  ])('refuses %s with exit code 2 and the reason', (_, sets, reason) => {
    const { stderr } = run([dpsgd, ...sets, 'runtime={kind: inline}'], 2);
    expect(stderr).toMatch(reason);
  });
});
