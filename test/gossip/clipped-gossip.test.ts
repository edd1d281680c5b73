import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';
import { smallGossip } from './gossip-helpers.js';

const small = smallGossip('experiments/dpsgd-ring-16.yaml');

function run(sets: readonly string[], code = 0, config = small) {
  const out = `${tempDir()}/run`;
  const r = starling(['run', ...config, ...sets.flatMap((s) => ['--set', s]), '--out', out, '--json'], {
    STARLING_KERNELS: 'js',
  });
  expect(r.code, r.stderr).toBe(code);
  return { stderr: r.stderr, summary: code === 0 ? JSON.parse(r.stdout) : null, lines: code === 0 ? metrics(out) : [] };
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
