import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';
import { smallGossip } from './gossip-helpers.js';

const small = smallGossip('experiments/dpsgd-ring-16.yaml');

/** Runs a gossip config; `code` −1 accepts a finished (0) or diverged (1) run. */
function run(sets: readonly string[], code = 0, config = small) {
  const out = `${tempDir()}/run`;
  const r = starling(['run', ...config, ...sets.flatMap((s) => ['--set', s]), '--out', out, '--json'], {
    STARLING_KERNELS: 'js',
  });
  if (code === -1) expect([0, 1], r.stderr).toContain(r.code);
  else expect(r.code, r.stderr).toBe(code);
  const ok = r.code === 0;
  return { stderr: r.stderr, summary: ok ? JSON.parse(r.stdout) : null, lines: ok ? metrics(out) : [] };
}

describe('clipped gossip (algorithm.aggregator) on dpsgd and consensus', { timeout: 300_000 }, () => {
  it('with tau beyond every distance ends on the bits of plain gossip; a small tau changes them', () => {
    const plain = run(['runtime={kind: inline}']);
    const wide = run(['runtime={kind: inline}', 'algorithm.aggregator={kind: clipped_gossip, tau: 1.0e+30}']);
    const tight = run(['runtime={kind: inline}', 'algorithm.aggregator={kind: clipped_gossip, tau: 0.01}']);
    expect(wide.summary.model_sha256).toBe(plain.summary.model_sha256);
    expect(tight.summary.model_sha256).not.toBe(plain.summary.model_sha256);
    // clipping slows mixing: the peers stay farther apart
    expect(tight.summary.consensus_error).toBeGreaterThan(plain.summary.consensus_error);
  });

  it('gives the same bits inline and over 4 peer processes', () => {
    const clip = 'algorithm.aggregator={kind: clipped_gossip, tau: 0.05}';
    const inline = run([clip, 'runtime={kind: inline}']);
    const processes = run([clip, 'runtime={kind: processes, workers: 4, transport: tcp}']);
    expect(processes.summary.model_sha256).toBe(inline.summary.model_sha256);
    expect(processes.lines.map((l) => l.consensus_error)).toEqual(inline.lines.map((l) => l.consensus_error));
  });

  it('on consensus, clipping each pull to tau slows the averaging', () => {
    const consensus = ['experiments/consensus-ring-16.yaml', '--set', 'algorithm.rounds=5'];
    const plain = run(['runtime={kind: inline}'], 0, consensus);
    const clipped = run(
      ['runtime={kind: inline}', 'algorithm.aggregator={kind: clipped_gossip, tau: 0.1}'],
      0,
      consensus,
    );
    expect(clipped.summary.consensus_error).toBeGreaterThan(plain.summary.consensus_error);
  });

  it('holds a ring against a Byzantine peer that sends 1e6 times its model, where plain gossip is lost', () => {
    const attack = 'adversary={nodes: [3], attack: {kind: scale, factor: 1000000}, knowledge: local}';
    const clean = run(['runtime={kind: inline}']);
    const clipped = run(['runtime={kind: inline}', attack, 'algorithm.aggregator={kind: clipped_gossip, tau: 0.5}']);
    const plain = run(['runtime={kind: inline}', attack], -1);
    expect(clipped.summary.adversary.byzantine).toEqual([3]);
    expect(clipped.summary.test_accuracy).toBeGreaterThan(clean.summary.test_accuracy - 0.1);
    const worst = (r: typeof clipped) => r.lines.at(-1)?.node_accuracy_min as number;
    expect(worst(clipped)).toBeGreaterThan(0.4);
    // plain gossip: the run diverges (exit 1) or its worst peer ends far below
    if (plain.summary) expect(worst(plain)).toBeLessThan(worst(clipped) - 0.1);
  });

  it('is refused with CHOCO compressed gossip (exit 2), and a bad tau names its path', () => {
    const choco = run(['algorithm.aggregator={kind: clipped_gossip, tau: 1}', 'runtime={kind: inline}'], 2, [
      'experiments/compression-gossip.yaml',
      '--set',
      'algorithm.rounds=2',
    ]);
    expect(choco.stderr).toMatch(/algorithm\.aggregator\.kind must be mean with compression\.gossip/);
    const bad = run(['algorithm.aggregator={kind: clipped_gossip, tau: 0}'], 2);
    expect(bad.stderr).toMatch(/algorithm\.aggregator\.tau/);
  });
});
